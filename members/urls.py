from django.urls import path

from . import portal, views

app_name = "members"

urlpatterns = [
    path("apply/", views.ApplicationCreateView.as_view(), name="apply"),
    path("apply/done/", views.ApplicationDoneView.as_view(), name="apply-done"),
    path("directory/", views.DirectoryView.as_view(), name="directory"),
    path("forms/<int:number>.pdf", views.blank_form_pdf, name="blank-form"),
    path("my/", portal.MyOrganisationView.as_view(), name="my-organisation"),
    path("my/change/", portal.ChangeNoticeView.as_view(), name="my-change"),
    path("my/withdraw/", portal.WithdrawalNoticeView.as_view(), name="my-withdraw"),
]
