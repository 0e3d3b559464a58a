from django.urls import path

from . import case_views, public_views, views

app_name = "council"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="cases"),
    path("mine/", views.CaseListView.as_view(mine=True), name="my-cases"),
    path("intake/", views.IntakeQueueView.as_view(), name="intake"),
    path("intake/new/", views.IntakeCreateView.as_view(), name="intake-new"),
    path(
        "intake/concerns/<str:receipt>/", views.ConcernDetailView.as_view(), name="concern-detail"
    ),
    path("intake/transfers/<int:pk>/", views.TransferDecideView.as_view(), name="transfer-decide"),
    path("follow-ups/", views.FollowUpsView.as_view(), name="follow-ups"),
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.ApprovalDecideView.as_view(), name="approval-decide"),
    path("access-log/", views.AccessLogView.as_view(), name="access-log"),
    path("export/open-cases.csv", views.OpenCasesExportView.as_view(), name="export-open"),
    path("break-glass/", views.BreakGlassView.as_view(), name="break-glass"),
    path("cases/<str:reference>/", case_views.CaseDetailView.as_view(), name="case"),
    path("cases/<str:reference>/sheet.pdf", views.CasePdfView.as_view(kind="sheet"), name="sheet"),
    path("cases/<str:reference>/plan.pdf", views.CasePdfView.as_view(kind="plan"), name="plan-pdf"),
    path(
        "cases/<str:reference>/<slug:action>/",
        case_views.CaseActionView.as_view(),
        name="case-action",
    ),
    # Outside the workspace (no case data).
    path("concern/", public_views.ConcernCreateView.as_view(), name="concern"),
    path("concern/sent/", public_views.ConcernSentView.as_view(), name="concern-sent"),
    path("examples/", public_views.ExampleListView.as_view(), name="examples"),
    path("access-counts/", public_views.AccessCountsView.as_view(), name="access-counts"),
]
