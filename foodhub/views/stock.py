"""Stock on hand, disposals and stocktakes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors

from .. import forms, selectors, services
from ..models import Site, Transfer, Zone
from .base import LOTS_PER_PAGE, StaffView


class StockView(StaffView):
    permission_required = "foodhub.view_lot"

    def get(self, request):
        today = timezone.localdate()
        lots = selectors.lot_list_for_user(request.user)
        site_id = request.GET.get("site")
        site_id = int(site_id) if site_id and site_id.isdigit() else None
        if site_id:
            lots = lots.filter(site_id=site_id)
        page = Paginator(lots, LOTS_PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "foodhub/stock.html",
            {
                # Only the chosen site is added up (through the in-stock partial index).
                "by_zone": selectors.stock_by_site_zone(request.user, site_id=site_id),
                "lots": page,
                "sites": selectors.site_list_for_user(request.user),
                "today": today,
                "transfers": selectors.transfer_list_for_user(request.user).filter(
                    status=Transfer.Status.IN_TRANSIT
                ),
            },
        )


class DisposalCreateView(StaffView):
    permission_required = "foodhub.add_disposal"

    def get(self, request):
        initial = {}
        if (lot := request.GET.get("lot", "")).isdigit():
            initial["lot"] = lot
        return self._render(request, forms.DisposalForm(user=request.user, initial=initial))

    def post(self, request):
        form = forms.DisposalForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.disposal_record(
                    site=data["lot"].site,
                    disposed_on=data["disposed_on"],
                    reason=data["reason"],
                    amounts=[services.LotAmount(lot=data["lot"], kg=data["kg"])],
                    note=data["note"],
                    actor=request.user,
                    idempotency_key=data["idempotency_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The disposal was recorded."))
                return redirect("foodhub:stock")
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        return render(request, "foodhub/disposal_form.html", {"form": form}, status=status)


class StocktakeCreateView(StaffView):
    """A blind count of one zone of one site, in two steps: the sheet lists every lot in stock
    there without its book figures; once every lot is counted, the differences are shown for
    confirmation (with a reason for each) and recorded through the ledger."""

    permission_required = "foodhub.add_stocktake"

    def _zone(self, request, zone_id):
        return get_object_or_404(
            Zone.objects.select_related("site").filter(
                site__in=Site.objects.operable_by(request.user)
            ),
            pk=zone_id,
        )

    def get(self, request, zone_id):
        zone = self._zone(request, zone_id)
        lots = selectors.lot_list_for_stocktake(zone=zone)
        form = forms.StocktakeForm(initial={"stock_seen": services.stock_mark()})
        formset = forms.StockCountFormSet(
            initial=[{"lot_id": lot.pk} for lot in lots], prefix="count"
        )
        return self._render(request, zone, lots, form, formset)

    def post(self, request, zone_id):
        zone = self._zone(request, zone_id)
        form = forms.StocktakeForm(request.POST)
        formset = forms.StockCountFormSet(request.POST, prefix="count")
        # The lots of the sheet that was submitted (not the zone's lots now: some may have
        # arrived or been emptied since the sheet was opened).
        posted = [f["lot_id"].value() for f in formset]
        lots = selectors.lot_list_for_stocktake(
            zone=zone, pks=[int(pk) for pk in posted if str(pk).isdigit()]
        )
        step = request.POST.get("step")
        if not (form.is_valid() and formset.is_valid()) or step == "edit":
            return self._render(request, zone, lots, form, formset, status=200 if step else 400)
        by_pk = {lot.pk: lot for lot in lots}
        counts = [
            services.StockCount(
                lot=by_pk[f.cleaned_data["lot_id"]],
                counted_kg=f.cleaned_data["counted_kg"],
                counted_quantity=f.cleaned_data["counted_quantity"],
                reason=f.cleaned_data["reason"],
            )
            for f in formset
            if f.cleaned_data.get("lot_id") in by_pk
        ]
        if step != "record":
            return self._render_review(request, zone, form, formset, counts)
        try:
            stocktake = services.stocktake_record(
                site=zone.site,
                counted_on=form.cleaned_data["counted_on"],
                counts=counts,
                note=form.cleaned_data["note"],
                actor=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                stock_seen=form.cleaned_data["stock_seen"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self._render_review(request, zone, form, formset, counts, status=400)
        messages.success(
            request,
            _("The stocktake was recorded with %(n)s adjustments.")
            % {"n": stocktake.entries.count()},
        )
        return redirect("foodhub:stock")

    def _render(self, request, zone, lots, form, formset, status=200):
        by_pk = {str(lot.pk): lot for lot in lots}
        rows = [
            (by_pk[str(f["lot_id"].value())], f)
            for f in formset
            if str(f["lot_id"].value()) in by_pk
        ]
        return render(
            request,
            "foodhub/stocktake_form.html",
            {"zone": zone, "rows": rows, "form": form, "formset": formset},
            status=status,
        )

    def _render_review(self, request, zone, form, formset, counts, status=200):
        differences = {d.lot.pk: d for d in services.stocktake_differences(counts)}
        rows = [
            (differences[f.cleaned_data["lot_id"]], f)
            for f in formset
            if f.cleaned_data.get("lot_id") in differences
        ]
        return render(
            request,
            "foodhub/stocktake_review.html",
            {
                "zone": zone,
                "rows": rows,
                "form": form,
                "formset": formset,
                "differing": sum(1 for d in differences.values() if d.differs),
            },
            status=status,
        )
