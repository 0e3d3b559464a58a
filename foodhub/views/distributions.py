"""Food going out: distributions, delivery notes, recipients and their liability consents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from core.japanese import format_date
from core.pdf import pdf_response

from .. import forms, selectors, services
from ..models import Distribution, Recipient
from .base import StaffView, _pick_requests, _refresh_stock_mark

# The distribution being entered when the consent gate sent the user to record a consent: kept
# in the session and given back, filled, once the consent is recorded.
DRAFT_KEY = "foodhub.distribution_draft"


def _draft_save(request, form, formset) -> None:
    data = form.cleaned_data
    request.session[DRAFT_KEY] = {
        "form": {
            "site": data["site"].pk,
            "recipient": data["recipient"].pk,
            "distributed_on": data["distributed_on"].isoformat(),
            "note": data["note"],
            "confirm_past_best_before": data["confirm_past_best_before"],
        },
        "lines": [
            {
                "item": f.cleaned_data["item"].pk if f.cleaned_data.get("item") else None,
                "kg": str(f.cleaned_data["kg"]),
                "lot": f.cleaned_data["lot"].pk if f.cleaned_data.get("lot") else None,
            }
            for f in formset
            if f.has_changed() and f.cleaned_data
        ],
    }


def _draft_pop(request, recipient_id=None):
    """The kept draft (removed from the session), or None; only the recipient's own."""
    draft = request.session.get(DRAFT_KEY)
    if draft is None or (recipient_id and draft["form"]["recipient"] != recipient_id):
        return None
    del request.session[DRAFT_KEY]
    return draft


class DistributionCreateView(StaffView):
    permission_required = "foodhub.add_distribution"

    def get(self, request):
        initial, lines = {}, []
        if (recipient := request.GET.get("recipient", "")).isdigit():
            initial["recipient"] = recipient
        if request.GET.get("draft") and (draft := _draft_pop(request)):
            initial, lines = draft["form"], draft["lines"]
            messages.info(
                request, _("The distribution you were entering is back; check it and record it.")
            )
        form = forms.DistributionForm(user=request.user, initial=initial)
        formset = forms.PickLineFormSet(
            prefix="lines", initial=lines, form_kwargs={"user": request.user}
        )
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
                    stock_seen=form.cleaned_data["stock_seen"],
                )
            except ValidationError as exc:
                recipient = form.cleaned_data["recipient"]
                on_date = form.cleaned_data["distributed_on"]
                if services.consent_in_force(recipient=recipient, on_date=on_date) is None:
                    needs_consent = recipient
                    _draft_save(request, form, formset)
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The distribution was recorded."))
                return redirect("foodhub:distribution-detail", pk=distribution.pk)
        _refresh_stock_mark(form)
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

    def _has_draft(self, request, recipient):
        return request.session.get(DRAFT_KEY, {}).get("form", {}).get("recipient") == recipient.pk

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
                if (
                    request.session.get(DRAFT_KEY, {}).get("form", {}).get("recipient")
                    == recipient.pk
                ):
                    return redirect(reverse("foodhub:distribution-create") + "?draft=1")
                return redirect(
                    reverse("foodhub:distribution-create") + f"?recipient={recipient.pk}"
                )
        return self._render(request, recipient, form, status=400)

    def _render(self, request, recipient, form, status=200):
        return render(
            request,
            "foodhub/consent_form.html",
            {
                "recipient": recipient,
                "form": form,
                "has_draft": self._has_draft(request, recipient),
            },
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
