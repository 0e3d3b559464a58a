"""Walks of the project's registries for the security tests: admins, their actions, resources."""

import importlib

from django.contrib import admin
from import_export.mixins import BaseExportMixin
from import_export.resources import Resource

PROJECT_APPS = ("core", "members", "supporters", "foodhub", "council", "reports")


def registered_admins():
    """(model, model_admin) for every model registered on the admin site, by label."""
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def exporting_admins():
    return [(model, ma) for model, ma in registered_admins() if isinstance(ma, BaseExportMixin)]


def project_resource_classes():
    """Every Resource subclass defined in the project's own modules."""
    for app_label in PROJECT_APPS:
        try:
            importlib.import_module(f"{app_label}.resources")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_label}.resources":
                raise
    found, todo = set(), [Resource]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    project = [cls for cls in found if cls.__module__.split(".")[0] in PROJECT_APPS]
    return sorted(project, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def admin_actions():
    """("app.Model.action", allowed_permissions) for every action of every registered admin."""
    return [
        (f"{model._meta.label}.{name}", tuple(getattr(func, "allowed_permissions", ()) or ()))
        for model, model_admin in registered_admins()
        for func, name, _description in model_admin._get_base_actions()
    ]


def admin_read_urls(model, obj):
    """The admin's reading URLs of a model: changelist, change page, history, export."""
    from django.urls import NoReverseMatch, reverse

    info = (model._meta.app_label, model._meta.model_name)
    urls = {"changelist": reverse("admin:{}_{}_changelist".format(*info))}
    if obj is not None:
        urls["change"] = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        urls["history"] = reverse("admin:{}_{}_history".format(*info), args=[obj.pk])
    try:
        urls["export"] = reverse("admin:{}_{}_export".format(*info))
    except NoReverseMatch:
        pass
    return urls
