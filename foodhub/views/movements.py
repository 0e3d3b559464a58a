"""Food coming in and moving between sites: donations, transfers and their pick lists."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from core.pdf import pdf_response

from .. import forms, selectors, services
from ..models import Site, Transfer
from .base import StaffView, _pick_requests, _refresh_stock_mark


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
                    stock_seen=form.cleaned_data["stock_seen"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The transfer was sent. Print the pick list."))
                return redirect("foodhub:transfer-detail", pk=transfer.pk)
        _refresh_stock_mark(form)
        return self._render(request, form, formset, status=400)

    def _render(self, request, form, formset, status=200):
        return render(
            request, "foodhub/transfer_form.html", {"form": form, "formset": formset}, status=status
        )


class TransferListView(StaffView):
    """Transfers in transit, received, and received with a difference, by site."""

    permission_required = "foodhub.view_transfer"
    per_page = 50

    def get(self, request):
        site = request.GET.get("site", "")
        site_id = int(site) if site.isdigit() else None
        state = request.GET.get("state", "")
        state = state if state in selectors.TRANSFER_STATES else ""
        transfers = selectors.transfer_list_filtered(request.user, site_id=site_id, state=state)
        page = Paginator(transfers, self.per_page).get_page(request.GET.get("page"))
        return render(
            request,
            "foodhub/transfer_list.html",
            {
                "transfers": page,
                "sites": selectors.site_list_for_user(request.user),
                "site_id": site_id,
                "state": state,
                "states": [
                    ("in_transit", _("in transit")),
                    ("received", _("received")),
                    ("difference", _("received with a difference")),
                ],
            },
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
