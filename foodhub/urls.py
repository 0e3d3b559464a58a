from django.urls import path

from . import views
from .views import requests as request_views

app_name = "foodhub"

urlpatterns = [
    path("", views.StockView.as_view(), name="stock"),
    path("donations/new/", views.DonationCreateView.as_view(), name="donation-create"),
    path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path("transfers/new/", views.TransferCreateView.as_view(), name="transfer-create"),
    path("transfers/<int:pk>/", views.TransferDetailView.as_view(), name="transfer-detail"),
    path(
        "transfers/<int:pk>/pick-list.pdf",
        views.TransferPickListView.as_view(),
        name="transfer-pick-list",
    ),
    path("distributions/new/", views.DistributionCreateView.as_view(), name="distribution-create"),
    path(
        "distributions/<int:pk>/",
        views.DistributionDetailView.as_view(),
        name="distribution-detail",
    ),
    path(
        "distributions/<int:pk>/delivery-note.pdf",
        views.DeliveryNoteView.as_view(),
        name="distribution-delivery-note",
    ),
    path("recipients/", views.RecipientListView.as_view(), name="recipient-list"),
    path("recipients/<int:pk>/consent/", views.ConsentCreateView.as_view(), name="consent-create"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("exports/ledger.csv", views.LedgerCsvView.as_view(), name="ledger-csv"),
    path("exports/monthly.csv", views.MonthlyCsvView.as_view(), name="monthly-csv"),
    path("disposals/new/", views.DisposalCreateView.as_view(), name="disposal-create"),
    path(
        "zones/<int:zone_id>/stocktake/",
        views.StocktakeCreateView.as_view(),
        name="stocktake-create",
    ),
    path("requests/", request_views.FoodRequestQueueView.as_view(), name="food-request-queue"),
    path(
        "requests/calendar/",
        request_views.FoodRequestCalendarView.as_view(),
        name="food-request-calendar",
    ),
    path(
        "requests/<int:pk>/",
        request_views.FoodRequestDetailView.as_view(),
        name="food-request-detail",
    ),
    path(
        "requests/<int:pk>/<slug:action>/",
        request_views.FoodRequestActionView.as_view(),
        name="food-request-action",
    ),
    path("recall/", request_views.RecallSearchView.as_view(), name="recall-search"),
    path("recall/<int:pk>/", request_views.LotRecallView.as_view(), name="recall"),
    path(
        "recall/<int:pk>/recall.pdf",
        request_views.LotRecallView.as_view(output="pdf"),
        name="recall-pdf",
    ),
    path(
        "recall/<int:pk>/recall.csv",
        request_views.LotRecallView.as_view(output="csv"),
        name="recall-csv",
    ),
]
