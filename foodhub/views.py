"""Staff pages for the hubs: thin — parse the forms, call a service, report the outcome."""

import csv
import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.exports import escape_formula, export_log_record
from core.forms import add_service_errors
from core.japanese import format_date
from core.pdf import pdf_response

from . import forms, selectors, services
from .models import Distribution, LedgerEntry, Recipient, Site, Transfer, Zone

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


class StockView(StaffView):
    permission_required = "foodhub.view_lot"

    def get(self, request):
        today = timezone.localdate()
        lots = selectors.lot_list_for_user(request.user)
        site_id = request.GET.get("site")
        if site_id and site_id.isdigit():
            lots = lots.filter(site_id=site_id)
        page = Paginator(lots, LOTS_PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "foodhub/stock.html",
            {
                "by_zone": selectors.stock_by_site_zone(request.user),
                "lots": page,
                "sites": selectors.site_list_for_user(request.user),
                "today": today,
                "transfers": selectors.transfer_list_for_user(request.user).filter(
                    status=Transfer.Status.IN_TRANSIT
                ),
            },
        )


class DonationCreateView(StaffView):
    """One page for a whole delivery: the header and up to 60 lines, keyboard first."""

    permission_required = "foodhub.add_donation"

    def get(self, request):
        form = forms.DonationForm(user=request.user)
        formset = forms.ReceiptLineFormSet(prefix="lines")
        return self._render(request, form, formset)

    def post(self, request):
        form = forms.DonationForm(request.POST, user=request.user)
        formset = forms.ReceiptLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            site = form.cleaned_data["site"]
            zones = {zone.kind: zone for zone in site.zones.all()}
            lines = []
            for line_form in formset:
                if not line_form.has_changed():
                    continue
                data = line_form.cleaned_data
                zone = zones.get(data["zone_kind"])
                if zone is None:
                    line_form.add_error(
                        "zone_kind", _("%(site)s has no such storage zone.") % {"site": site}
                    )
                    continue
                lines.append(
                    services.ReceiptLine(
                        item=data["item"],
                        zone=zone,
                        kg=data["kg"],
                        quantity=data["quantity"],
                        date_kind=data["date_kind"],
                        expiry_date=data["expiry_date"],
                    )
                )
            if not any(f.errors for f in formset):
                try:
                    donation = services.donation_receive(
                        donor=form.cleaned_data["donor"],
                        site=site,
                        received_on=form.cleaned_data["received_on"],
                        lines=lines,
                        note=form.cleaned_data["note"],
                        actor=request.user,
                        idempotency_key=form.cleaned_data["idempotency_key"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    total = sum(lot.kg for lot in donation.lots.all())
                    messages.success(
                        request,
                        _("Received %(lines)s lines, %(kg)s kg from %(donor)s.")
                        % {"lines": donation.lots.count(), "kg": total, "donor": donation.donor},
                    )
                    return redirect("foodhub:donation-create")
        return self._render(request, form, formset, status=400)

    def _render(self, request, form, formset, status=200):
        return render(
            request, "foodhub/donation_form.html", {"form": form, "formset": formset}, status=status
        )


class TransferCreateView(StaffView):
    permission_required = "foodhub.add_transfer"

    def get(self, request):
        form = forms.TransferForm(user=request.user)
        formset = forms.PickLineFormSet(prefix="lines", form_kwargs={"user": request.user})
        return self._render(request, form, formset)

    def post(self, request):
        form = forms.TransferForm(request.POST, user=request.user)
        formset = forms.PickLineFormSet(
            request.POST, prefix="lines", form_kwargs={"user": request.user}
        )
        if form.is_valid() and formset.is_valid():
            try:
                transfer = services.transfer_send(
                    from_site=form.cleaned_data["from_site"],
                    to_site=form.cleaned_data["to_site"],
                    sent_on=form.cleaned_data["sent_on"],
                    requests=_pick_requests(formset),
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The transfer was sent. Print the pick list."))
                return redirect("foodhub:transfer-detail", pk=transfer.pk)
        return self._render(request, form, formset, status=400)

    def _render(self, request, form, formset, status=200):
        return render(
            request, "foodhub/transfer_form.html", {"form": form, "formset": formset}, status=status
        )


class TransferDetailView(StaffView):
    permission_required = "foodhub.view_transfer"

    def _get(self, request, pk):
        try:
            return selectors.transfer_get(user=request.user, pk=pk)
        except Transfer.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request, pk):
        transfer = self._get(request, pk)
        return self._render(request, transfer, forms.TransferReceiveForm(), self._formset(transfer))

    def _formset(self, transfer, data=None):
        initial = [
            {"line_id": line.pk, "received_kg": line.kg, "received_quantity": line.quantity}
            for line in transfer.lines.all()
        ]
        return forms.TransferReceiveFormSet(data, initial=initial, prefix="receive")

    def post(self, request, pk):
        transfer = self._get(request, pk)
        if not request.user.has_perm("foodhub.change_transfer"):
            raise Http404
        form = forms.TransferReceiveForm(request.POST)
        formset = self._formset(transfer, request.POST)
        if form.is_valid() and formset.is_valid():
            received = {
                f.cleaned_data["line_id"]: (
                    f.cleaned_data["received_kg"],
                    f.cleaned_data["received_quantity"],
                    f.cleaned_data["reason"],
                )
                for f in formset
            }
            try:
                services.transfer_receive(
                    transfer=transfer,
                    received_on=form.cleaned_data["received_on"],
                    received=received,
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The transfer was received into stock."))
                return redirect("foodhub:transfer-detail", pk=transfer.pk)
        return self._render(request, transfer, form, formset, status=400)

    def _render(self, request, transfer, form, formset, status=200):
        can_receive = (
            transfer.status == Transfer.Status.IN_TRANSIT
            and request.user.has_perm("foodhub.change_transfer")
            and Site.objects.operable_by(request.user).filter(pk=transfer.to_site_id).exists()
        )
        rows = list(zip(transfer.lines.all(), formset, strict=True))
        return render(
            request,
            "foodhub/transfer_detail.html",
            {
                "transfer": transfer,
                "form": form,
                "formset": formset,
                "rows": rows,
                "can_receive": can_receive,
            },
            status=status,
        )


class TransferPickListView(TransferDetailView):
    permission_required = "foodhub.view_transfer"
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        transfer = self._get(request, pk)
        return pdf_response(
            "foodhub/pdf/pick_list.html",
            {
                "transfer": transfer,
                "lines": transfer.lines.all(),
                "printed_on": timezone.localdate(),
            },
            filename=f"pick-list-{transfer.pk}.pdf",
        )


class DistributionCreateView(StaffView):
    permission_required = "foodhub.add_distribution"

    def get(self, request):
        initial = {}
        if (recipient := request.GET.get("recipient", "")).isdigit():
            initial["recipient"] = recipient
        form = forms.DistributionForm(user=request.user, initial=initial)
        formset = forms.PickLineFormSet(prefix="lines", form_kwargs={"user": request.user})
        return self._render(request, form, formset)

    def post(self, request):
        form = forms.DistributionForm(request.POST, user=request.user)
        formset = forms.PickLineFormSet(
            request.POST, prefix="lines", form_kwargs={"user": request.user}
        )
        needs_consent = None
        if form.is_valid() and formset.is_valid():
            try:
                distribution = services.distribution_create(
                    site=form.cleaned_data["site"],
                    recipient=form.cleaned_data["recipient"],
                    distributed_on=form.cleaned_data["distributed_on"],
                    requests=_pick_requests(formset),
                    confirm_past_best_before=form.cleaned_data["confirm_past_best_before"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as exc:
                recipient = form.cleaned_data["recipient"]
                on_date = form.cleaned_data["distributed_on"]
                if services.consent_in_force(recipient=recipient, on_date=on_date) is None:
                    needs_consent = recipient
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The distribution was recorded."))
                return redirect("foodhub:distribution-detail", pk=distribution.pk)
        return self._render(request, form, formset, needs_consent=needs_consent, status=400)

    def _render(self, request, form, formset, needs_consent=None, status=200):
        return render(
            request,
            "foodhub/distribution_form.html",
            {"form": form, "formset": formset, "needs_consent": needs_consent},
            status=status,
        )


class DistributionDetailView(StaffView):
    permission_required = "foodhub.view_distribution"

    def _get(self, request, pk):
        try:
            return selectors.distribution_get(user=request.user, pk=pk)
        except Distribution.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request, pk):
        distribution = self._get(request, pk)
        return render(request, "foodhub/distribution_detail.html", {"distribution": distribution})


class DeliveryNoteView(DistributionDetailView):
    http_method_names = ["get", "head"]

    def get(self, request, pk):
        distribution = self._get(request, pk)
        return pdf_response(
            "foodhub/pdf/delivery_note.html",
            {
                "distribution": distribution,
                "lines": distribution.lines.all(),
                "total_kg": sum(line.kg for line in distribution.lines.all()),
            },
            filename=f"delivery-note-{distribution.pk}.pdf",
        )


class ConsentCreateView(StaffView):
    permission_required = "foodhub.add_liabilityconsent"

    def _recipient(self, request, pk):
        return get_object_or_404(selectors.recipient_list_for_user(request.user), pk=pk)

    def get(self, request, pk):
        recipient = self._recipient(request, pk)
        return self._render(request, recipient, forms.ConsentForm())

    def post(self, request, pk):
        recipient = self._recipient(request, pk)
        form = forms.ConsentForm(request.POST)
        if form.is_valid():
            try:
                services.consent_record(
                    recipient=recipient, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The consent of %(recipient)s was recorded on %(date)s.")
                    % {"recipient": recipient, "date": format_date(form.cleaned_data["agreed_on"])},
                )
                return redirect(
                    reverse("foodhub:distribution-create") + f"?recipient={recipient.pk}"
                )
        return self._render(request, recipient, form, status=400)

    def _render(self, request, recipient, form, status=200):
        return render(
            request,
            "foodhub/consent_form.html",
            {"recipient": recipient, "form": form},
            status=status,
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
    """Count one zone of one site: every lot in stock there, recorded figures pre-filled."""

    permission_required = "foodhub.add_stocktake"

    def _zone(self, request, zone_id):
        return get_object_or_404(
            Zone.objects.select_related("site").filter(
                site__in=Site.objects.operable_by(request.user)
            ),
            pk=zone_id,
        )

    def _formset(self, lots, data=None):
        initial = [
            {
                "lot_id": lot.pk,
                "recorded_kg": lot.kg,
                "recorded_quantity": lot.quantity,
                "counted_kg": lot.kg,
                "counted_quantity": lot.quantity,
            }
            for lot in lots
        ]
        return forms.StockCountFormSet(data, initial=initial, prefix="count")

    def get(self, request, zone_id):
        zone = self._zone(request, zone_id)
        lots = selectors.lot_list_for_stocktake(zone=zone)
        return self._render(request, zone, lots, forms.StocktakeForm(), self._formset(lots))

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
        if form.is_valid() and formset.is_valid():
            by_pk = {lot.pk: lot for lot in lots}
            counts = [
                services.StockCount(
                    lot=by_pk[f.cleaned_data["lot_id"]],
                    counted_kg=f.cleaned_data["counted_kg"],
                    counted_quantity=f.cleaned_data["counted_quantity"],
                    reason=f.cleaned_data["reason"],
                    recorded_kg=f.cleaned_data["recorded_kg"],
                    recorded_quantity=f.cleaned_data["recorded_quantity"],
                )
                for f in formset
                if f.cleaned_data.get("lot_id") in by_pk
            ]
            try:
                stocktake = services.stocktake_record(
                    site=zone.site,
                    counted_on=form.cleaned_data["counted_on"],
                    counts=counts,
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The stocktake was recorded with %(n)s adjustments.")
                    % {"n": stocktake.entries.count()},
                )
                return redirect("foodhub:stock")
        return self._render(request, zone, lots, form, formset, status=400)

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


class RecipientListView(StaffView):
    permission_required = "foodhub.view_recipient"

    def get(self, request):
        recipients = selectors.recipient_list_with_consent(
            request.user, on_date=timezone.localdate()
        )
        return render(
            request,
            "foodhub/recipient_list.html",
            {"recipients": recipients, "kinds": Recipient.Kind},
        )


def _since(request, today):
    """The dashboard's and exports' period start: ?since=YYYY-MM-DD, else 12 months back."""
    try:
        return datetime.date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        return (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)


class DashboardView(StaffView):
    permission_required = "foodhub.view_ledgerentry"

    def get(self, request):
        today = timezone.localdate()
        since = _since(request, today)
        return render(
            request,
            "foodhub/dashboard.html",
            {
                "since": since,
                "today": today,
                **selectors.dashboard_figures(request.user, since=since, today=today),
            },
        )


class _Echo:
    def write(self, value):
        return value


def _stream_csv(request, *, model, rows, header, filename, row_count):
    """Stream a CSV (UTF-8 with BOM for spreadsheet programs) and record the export."""
    export_log_record(
        user=request.user,
        model=model,
        filters=request.GET.urlencode(),
        file_format="csv",
        row_count=row_count,
    )
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([escape_formula(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class LedgerCsvView(StaffView):
    permission_required = "foodhub.view_ledgerentry"

    def get(self, request):
        today = timezone.localdate()
        since = _since(request, today)
        entries = selectors.ledger_list_for_user(request.user).filter(effective_on__gte=since)
        kinds = dict(LedgerEntry.Kind.choices)
        zones = dict(Zone.Kind.choices)
        columns = (
            "pk",
            "effective_on",
            "site__name",
            "kind",
            "lot__item__name",
            "lot__zone__kind",
            "lot_id",
            "kg_delta",
            "quantity_delta",
            "donation_id",
            "transfer_id",
            "distribution_id",
            "disposal_id",
            "stocktake_id",
            "reason",
            "created_by__username",
            "created_at",
        )
        # Plain tuples, not model instances: a year of entries streams several times faster.
        rows = (
            (
                pk,
                on.isoformat(),
                site,
                kinds[kind],
                item,
                zones[zone],
                lot,
                kg,
                pieces,
                donation or "",
                transfer or "",
                distribution or "",
                disposal or "",
                stocktake or "",
                reason,
                username,
                timezone.localtime(created_at).isoformat(),
            )
            for (
                pk,
                on,
                site,
                kind,
                item,
                zone,
                lot,
                kg,
                pieces,
                donation,
                transfer,
                distribution,
                disposal,
                stocktake,
                reason,
                username,
                created_at,
            ) in entries.values_list(*columns).iterator(chunk_size=5000)
        )
        header = [
            _("entry"),
            _("date"),
            _("site"),
            _("kind"),
            _("item"),
            _("storage"),
            _("lot"),
            _("kg change"),
            _("pieces change"),
            _("donation"),
            _("transfer"),
            _("distribution"),
            _("disposal"),
            _("stocktake"),
            _("reason"),
            _("recorded by"),
            _("recorded at"),
        ]
        return _stream_csv(
            request,
            model=LedgerEntry,
            rows=rows,
            header=header,
            filename=f"foodhub-ledger-{since.isoformat()}.csv",
            row_count=entries.count(),
        )


class MonthlyCsvView(StaffView):
    permission_required = "foodhub.view_ledgerentry"

    def get(self, request):
        today = timezone.localdate()
        since = _since(request, today)
        figures = list(selectors.monthly_rows(request.user, since=since))
        kinds = dict(LedgerEntry.Kind.choices)
        rows = (
            (
                r["month"].strftime("%Y-%m"),
                r["site__name"],
                kinds[r["kind"]],
                r["kg"],
                r["pieces"],
                r["entries"],
            )
            for r in figures
        )
        header = [_("month"), _("site"), _("kind"), _("kg"), _("pieces"), _("entries")]
        return _stream_csv(
            request,
            model=LedgerEntry,
            rows=rows,
            header=header,
            filename=f"foodhub-monthly-{since.isoformat()}.csv",
            row_count=len(figures),
        )
