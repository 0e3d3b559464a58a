"""Every admin action writes unless it says otherwise, so it needs a change-level permission.

Django runs an action without `allowed_permissions` for anyone who can open the changelist,
view-only roles included. The project's own actions declare their permissions (a test walks them:
tests/security); third-party admins (allauth's e-mail addresses, celery-beat's periodic tasks) do
not, so at start-up every undeclared action of a registered admin is given `("change",)`.
"""

from django.contrib import admin


def require_change_permission_on_undeclared_actions(site=admin.site) -> list[str]:
    """Give `allowed_permissions = ("change",)` to every registered action that declares none.
    Returns the actions it changed ("app.Model.action")."""
    changed = []
    for model, model_admin in site._registry.items():
        for func, name, _description in model_admin._get_base_actions():
            if getattr(func, "allowed_permissions", None):
                continue
            target = getattr(func, "__func__", func)  # a bound method's function
            target.allowed_permissions = ("change",)
            changed.append(f"{model._meta.label}.{name}")
    return changed
