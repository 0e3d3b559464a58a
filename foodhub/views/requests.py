"""The hub side of partners' food requests (the queue: start, adjust, decline, fill) and the
recall of a lot (where its food went, as a page, a PDF and a CSV)."""

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import csv_streaming_response, export_log_record
from core.forms import add_service_errors
from core.pdf import pdf_response

from .. import forms, selectors, services
from ..models import DistributionLine, FoodRequest, Lot, Site
from .base import StaffView, _pick_requests

OPEN = [FoodRequest.Status.SUBMITTED, FoodRequest.Status.IN_PROGRESS]


class FillForm(forms.IdempotentForm):
    distributed_on = django_forms.DateField(
        label=gettext_lazy("distributed on"),
        initial=forms._today,
        widget=django_forms.DateInput(attrs={"type": "date"}),
    )
    shelf_life_override_reason = django_forms.CharField(
        label=gettext_lazy("reason for handing out food with a short shelf life"),
        max_length=300,
        required=False,
    )
    confirm_past_best_before = django_forms.BooleanField(
        label=gettext_lazy(
            "I have checked the food past its best-before date and it may be handed out."
        ),
        required=False,
    )


class ReasonForm(django_forms.Form):
    reason = django_forms.CharField(label=gettext_lazy("reason"), max_length=300)


class FoodRequestQueueView(StaffView):
    permission_required = "foodhub.view_foodrequest"

    def get(self, request):
        show_all = request.GET.get("all") == "1"
        today = timezone.localdate()
        requests = selectors.food_request_queue_for_user(
            request.user, statuses=None if show_all else OPEN, today=today
        )
        return render(
            request,
            "foodhub/requests/queue.html",
            {"requests": requests[:200], "show_all": show_all, "today": today},
        )


class FoodRequestCalendarView(StaffView):
    """Pick-ups and deliveries per day and site for the next two weeks."""

    permission_required = "foodhub.view_foodrequest"

    def get(self, request):
        today = timezone.localdate()
        requests = selectors.food_request_calendar_for_user(request.user, today=today)
        return render(
            request, "foodhub/requests/calendar.html", {"requests": requests, "today": today}
        )


class FoodRequestDetailView(StaffView):
    permission_required = "foodhub.view_foodrequest"

    def _get(self, request, pk):
        try:
            return selectors.food_request_get_for_operator(
                user=request.user, pk=pk, today=timezone.localdate()
            )
        except FoodRequest.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request, pk):
        return self._render(request, self._get(request, pk))

    def _render(
        self,
        request,
        food_request,
        *,
        fill_form=None,
        formset=None,
        reason_form=None,
        action=None,
        status=200,
    ):
        user_kwargs = {"user": request.user}
        if formset is None:
            formset = forms.PickLineFormSet(prefix="lines", form_kwargs=user_kwargs)
        return render(
            request,
            "foodhub/requests/detail.html",
            {
                "request_obj": food_request,
                "fill_form": fill_form or FillForm(),
                "formset": formset,
                "reason_form": reason_form or ReasonForm(),
                "failed_action": action,
                "mine": food_request.operator_id == request.user.pk,
                "may_release": food_request.operator_id == request.user.pk
                or request.user.has_perm("foodhub.operate_all_sites"),
                "min_shelf_life": {
                    kind: services.min_shelf_life_days(kind)
                    for kind in ("ambient", "chilled", "frozen")
                },
            },
            status=status,
        )


class FoodRequestActionView(FoodRequestDetailView):
    """POST start / adjust / decline / release / fill; refusals shown on the request's page."""

    permission_required = "foodhub.change_foodrequest"
    http_method_names = ["post"]

    def post(self, request, pk, action):
        food_request = self._get(request, pk)
        try:
            if action == "start":
                services.food_request_start(request=food_request, actor=request.user)
                messages.success(request, _("You are preparing this request."))
            elif action == "decline":
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    return self._render(
                        request, food_request, reason_form=form, action=action, status=400
                    )
                services.food_request_decline(
                    request=food_request, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, _("The request was declined."))
            elif action == "adjust":
                form = ReasonForm(request.POST)
                adjusted = _adjusted_lines(request.POST, food_request)
                if not form.is_valid():
                    return self._render(
                        request, food_request, reason_form=form, action=action, status=400
                    )
                services.food_request_adjust(
                    request=food_request,
                    adjusted=adjusted,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(request, _("The adjustment was recorded."))
            elif action == "release":
                services.food_request_release(request=food_request, actor=request.user)
                messages.success(request, _("The request is back in the queue."))
            elif action == "fill":
                return self._fill(request, food_request)
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return self._render(request, self._get(request, pk), action=action, status=400)
        return redirect("foodhub:food-request-detail", pk=pk)

    def _fill(self, request, food_request):
        form = FillForm(request.POST)
        formset = forms.PickLineFormSet(
            request.POST, prefix="lines", form_kwargs={"user": request.user}
        )
        if form.is_valid() and formset.is_valid():
            try:
                services.food_request_fill(
                    request=food_request,
                    picks=_pick_requests(formset),
                    distributed_on=form.cleaned_data["distributed_on"],
                    shelf_life_override_reason=form.cleaned_data["shelf_life_override_reason"],
                    confirm_past_best_before=form.cleaned_data["confirm_past_best_before"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The request was filled and the distribution recorded.")
                )
                return redirect("foodhub:food-request-detail", pk=food_request.pk)
        return self._render(
            request, food_request, fill_form=form, formset=formset, action="fill", status=400
        )


def _adjusted_lines(post, food_request) -> dict:
    adjusted = {}
    for line in food_request.lines.all():
        value = post.get(f"line-{line.pk}", "").strip()
        if value:
            try:
                adjusted[line.pk] = django_forms.DecimalField().clean(value)
            except django_forms.ValidationError as exc:
                raise ValidationError(_("Enter 0 kg or more on every line.")) from exc
    return adjusted


# --- recall ------------------------------------------------------------------------------------


class RecallSearchForm(django_forms.Form):
    lot = django_forms.IntegerField(label=gettext_lazy("lot number"), required=False, min_value=1)
    item = django_forms.CharField(label=gettext_lazy("item"), required=False, max_length=100)
    expiry_date = django_forms.DateField(
        label=gettext_lazy("date"),
        required=False,
        widget=django_forms.DateInput(attrs={"type": "date"}),
    )


class RecallSearchView(StaffView):
    permission_required = "foodhub.view_distribution"

    def get(self, request):
        form = RecallSearchForm(request.GET or None)
        lots = []
        if form.is_valid():
            lots = selectors.lot_search_for_recall(
                user=request.user,
                item_text=form.cleaned_data["item"],
                expiry_date=form.cleaned_data["expiry_date"],
                lot_pk=form.cleaned_data["lot"],
            )
        return render(request, "foodhub/recall/search.html", {"form": form, "lots": lots})


def _recall_rows(rows):
    """(date, site, recipient kind, recipient, member organisation, municipality, lot, kg,
    pieces) for each distribution line."""
    for line in rows:
        distribution = line.distribution
        recipient = distribution.recipient
        partner = getattr(recipient, "food_partner", None)
        yield [
            distribution.distributed_on.isoformat(),
            str(distribution.site),
            recipient.get_kind_display(),
            str(recipient),
            str(partner.organisation) if partner else recipient.running_organisation,
            str(recipient.municipality),
            str(line.lot_id),
            str(line.kg),
            str(line.quantity),
        ]


def _recall_header():
    return [
        _("distributed on"),
        _("site"),
        _("kind"),
        _("food recipient"),
        _("organisation"),
        _("municipality"),
        _("lot number"),
        _("kg"),
        _("pieces"),
    ]


class LotRecallView(StaffView):
    permission_required = "foodhub.view_distribution"
    http_method_names = ["get", "head"]
    output = "html"

    def get(self, request, pk):
        lot = self._lot(request, pk)
        rows = list(selectors.lot_recall_rows(user=request.user, lot=lot))
        lots = selectors.lot_recall_lots(lot)
        context = {
            "lot": lot,
            "title": recall_title(lot),
            "lots": lots,
            "rows": rows,
            "header": _recall_header(),
            "table": list(_recall_rows(rows)),
            "total_kg": sum(line.kg for line in rows),
            "printed_at": timezone.now(),
            "printed_by": request.user,
        }
        filename = f"recall-lot-{lot.pk}"
        if self.output == "csv":
            export_log_record(
                user=request.user,
                model=DistributionLine,
                filters=f"recall_lot={lot.pk}",
                file_format="csv",
                row_count=len(rows),
            )
            return csv_streaming_response(
                header=context["header"], rows=context["table"], filename=f"{filename}.csv"
            )
        if self.output == "pdf":
            export_log_record(
                user=request.user,
                model=DistributionLine,
                filters=f"recall_lot={lot.pk}",
                file_format="pdf",
                row_count=len(rows),
            )
            return pdf_response("foodhub/pdf/recall.html", context, filename=f"{filename}.pdf")
        return render(request, "foodhub/recall/detail.html", context)

    def _lot(self, request, pk):
        lots = Lot.objects.filter(site__in=Site.objects.visible_to(request.user))
        return get_object_or_404(lots.select_related("item", "site", "zone"), pk=pk)


def recall_title(lot) -> str:
    return _("Recall: %(item)s %(date)s") % {"item": lot.item, "date": lot.expiry_label}
