"""The public resource map (社会資源マップ) at /map/: a list that works alone (no script, a
phone, a screen reader) filtered by a GET form, and a Leaflet map beside it drawn by a static
script from the list's own rows, so the two always show the same places."""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.models import Municipality
from members.models import ActivityField

from . import selectors
from .models import WEEKDAYS

PER_PAGE = 100


class MapFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("all"),
    )
    field = forms.ModelChoiceField(
        label=_("field of activity"),
        queryset=ActivityField.objects.all(),
        required=False,
        empty_label=_("all"),
    )
    day = forms.ChoiceField(
        label=_("open on"), choices=[("", _("any day")), *WEEKDAYS], required=False
    )


class ResourceMapView(View):
    def get(self, request):
        filters = MapFilterForm(request.GET or None)
        values = filters.cleaned_data if filters.is_valid() else {}
        places = selectors.map_places(
            municipality_id=getattr(values.get("municipality"), "pk", None),
            field_id=getattr(values.get("field"), "pk", None),
            weekday=values.get("day", ""),
        )
        page = Paginator(places, PER_PAGE).get_page(request.GET.get("page"))
        rows = [
            (place, selectors.place_point(place), selectors.place_fields(place))
            for place in selectors.map_places_in_order(page)
        ]
        return render(
            request,
            "exchange/map.html",
            {
                "filters": filters,
                "page": page,
                "rows": rows,
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            },
        )
