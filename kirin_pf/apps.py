from django.contrib.admin.apps import AdminConfig


class KirinAdminConfig(AdminConfig):
    default_site = "kirin_pf.admin_site.KirinAdminSite"
