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


def _refresh_stock_mark(form) -> None:
    """A form sent back with errors carries the stock mark of now: the error told the user
    what is left, so their next attempt is judged against that, not the first page."""
    if form.is_bound:
        form.data = form.data.copy()
        form.data["stock_seen"] = services.stock_mark()
