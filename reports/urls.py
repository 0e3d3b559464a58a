"""Public and staff report pages (the admin's own report screens are in kirin_pf/admin_site.py)."""

app_name = "reports"

urlpatterns = []
