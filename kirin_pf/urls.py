from django.contrib import admin
from django.urls import include, path

from core import views as core_views

# allauth answers a rate-limited request with this view (core.security logs sign-in lockouts).
handler429 = "core.security.rate_limited"
handler400 = "core.limits.bad_request"  # a too large form field: the Japanese 413 page

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("foodhub/", include("foodhub.urls")),
    path("supporters/", include("supporters.urls")),
    # Before members/: the contact portal's food requests live in foodhub (foodhub/portal.py).
    path("members/my/food/", include("foodhub.portal_urls")),
    path("members/my/board/", include("exchange.portal_urls")),
    path("map/", include("exchange.urls")),
    path("members/", include("members.urls")),
    path("council/", include("council.urls")),
    path("reports/", include("reports.urls")),
    path("", include("staff.urls")),
]
