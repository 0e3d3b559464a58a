from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("foodhub/", include("foodhub.urls")),
    path("supporters/", include("supporters.urls")),
    path("members/", include("members.urls")),
    path("council/", include("council.urls")),
    path("reports/", include("reports.urls")),
    path("", include("staff.urls")),
]
