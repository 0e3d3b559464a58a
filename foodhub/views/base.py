"""What every staff page of the hubs shares: the login and permission check, parsing pick lines."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views import View

from .. import services

LOTS_PER_PAGE = 200


class StaffView(LoginRequiredMixin, PermissionRequiredMixin, View):
    raise_exception = False


def _pick_requests(formset):
    return [
        services.PickRequest(
            item=f.cleaned_data.get("item"), kg=f.cleaned_data["kg"], lot=f.cleaned_data.get("lot")
        )
        for f in formset
        if f.has_changed() and f.cleaned_data
    ]
