from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

# The secretariat's work comes first on the admin index, in this order.
APP_ORDER = [
    "members",
    "supporters",
    "foodhub",
    "council",
    "reports",
    "staff",
    "core",
    "django_celery_beat",
    "auth",
    "account",
    "mfa",
]


class KirinAdminSite(admin.AdminSite):
    site_header = _("Kirin-no-machi public-private partnership platform")
    site_title = _("Kirin-no-machi public-private partnership platform")
    index_title = _("Back office")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        position = {label: i for i, label in enumerate(APP_ORDER)}
        return sorted(apps, key=lambda app: position.get(app["app_label"], len(APP_ORDER)))

    def get_urls(self):
        # Imported here: the reports views import models, which need the app registry.
        from reports.views import platform_summary_pdf

        return [
            path(
                "platform-summary.pdf",
                self.admin_view(platform_summary_pdf),
                name="platform-summary-pdf",
            ),
            *super().get_urls(),
        ]

    def login(self, request, extra_context=None):
        # Every admin login goes through allauth: rate limits, MFA, password reset.
        return secure_admin_login(super().login)(request, extra_context)
