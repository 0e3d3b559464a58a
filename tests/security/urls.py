"""Every URL pattern of the project, resolved from the URLconf, for the role x URL matrix."""

import re

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

# The pages every ModelAdmin has (Django's and django-import-export's): each is decided by the
# model's permissions, which tests/security checks for every registered model and role.
# simple_history's SimpleHistoryAdmin adds a page per past version ("simple_history").
MODEL_ADMIN_PAGES = (
    "changelist",
    "add",
    "change",
    "delete",
    "history",
    "simple_history",
    "export",
    "import",
    "process_import",
)
_MODEL_ADMIN_NAME = re.compile(
    r"^admin:(?P<app>\w+?)_(?P<model>[a-z0-9]+)_(?P<page>" + "|".join(MODEL_ADMIN_PAGES) + r")$"
)


def url_patterns(resolver=None, prefix="", namespace=""):
    """(key, route) for every URL pattern: key is the pattern's qualified name ("council:case"),
    or its route when it has no name."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or route, route


def _registered_model_routes():
    return {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        for model in admin.site._registry
    }


def is_model_admin_page(key, route) -> bool:
    """A ModelAdmin's own page of a registered model (not a screen an admin added)."""
    if route in _registered_model_routes():  # the old change URL, redirected
        return True
    match = _MODEL_ADMIN_NAME.match(key)
    if not match:
        return False
    labels = {(m._meta.app_label, m._meta.model_name) for m in admin.site._registry}
    return (match["app"], match["model"]) in labels
