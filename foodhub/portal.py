"""Food requests in the member organisations' contact portal (`/members/my/food/`).

The pages live in foodhub, not members: the request, its rules and its history are foodhub's
domain (services, selectors, the consent gate), and members stays free of foodhub; the portal
only links here. The contact's organisation comes from members' `ContactRequiredMixin`, and every
request is read through the partner's own list, so another organisation's request is a 404.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.forms import add_service_errors
from members.portal import ContactRequiredMixin

from . import selectors, services
from .models import FoodCategory, FoodRequest, Zone


class FoodRequestForm(forms.Form):
    needed_on = forms.DateField(
        label=gettext_lazy("needed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    people_served = forms.IntegerField(label=gettext_lazy("meals or people served"), min_value=1)
    handover = forms.ChoiceField(
        label=gettext_lazy("pick-up or delivery"),
        choices=FoodRequest.Handover.choices,
        widget=forms.RadioSelect,
        initial=FoodRequest.Handover.PICKUP,
    )
    note = forms.CharField(
        label=gettext_lazy("note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Allergies to avoid, delivery address details, and so on."),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())


class FoodRequestLineForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("category"), queryset=FoodCategory.objects.all(), required=False
    )
    zone_kind = forms.ChoiceField(
        label=gettext_lazy("storage"), choices=Zone.Kind.choices, initial=Zone.Kind.AMBIENT
    )
    kg = forms.DecimalField(
        label=gettext_lazy("kg"), max_digits=10, decimal_places=2, min_value=0.01, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields sit in table cells under column headings: name each for screen readers.
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label

    def clean(self):
        data = super().clean()
        if data.get("category") and not data.get("kg"):
            self.add_error("kg", _("Enter the weight in kg."))
        if data.get("kg") and not data.get("category"):
            self.add_error("category", _("Choose a category."))
        return data


FoodRequestLineFormSet = forms.formset_factory(FoodRequestLineForm, extra=4, max_num=20)


class PartnerMixin(ContactRequiredMixin):
    """The signed-in contact's organisation (`self.organisation`) and its food partner record."""

    @property
    def partner(self):
        if not hasattr(self, "_partner"):
            self._partner = selectors.food_partner_for_organisation(self.organisation)
        return self._partner

    def partner_context(self):
        today = timezone.localdate()
        partner = self.partner
        return {
            "organisation": self.organisation,
            "partner": partner,
            "refusal": services.partner_refusal(partner, on_date=today),
            "month_kg": selectors.partner_month_kg(partner, on_date=today) if partner else None,
            "today": today,
        }


class FoodRequestListView(PartnerMixin, View):
    def get(self, request):
        context = self.partner_context()
        partner = self.partner
        if partner is not None:
            context["requests"] = selectors.food_request_list_for_partner(partner)[:50]
            context["history"] = _history_table(
                selectors.partner_history(partner, today=context["today"])
            )
        return render(request, "foodhub/portal/request_list.html", context)


def _history_table(rows):
    """Months (newest first) by categories: {"categories": [...], "months": [(month, [kg...],
    total)]}."""
    categories = sorted({row["category"] for row in rows})
    by_month = {}
    for row in rows:
        by_month.setdefault(row["month"], {})[row["category"]] = row["kg"]
    months = [
        (month, [cells.get(c) for c in categories], sum(cells.values()))
        for month, cells in sorted(by_month.items(), reverse=True)
    ]
    return {"categories": categories, "months": months}


def _request_lines(formset):
    return [
        services.RequestLine(
            category=f.cleaned_data["category"],
            zone_kind=f.cleaned_data["zone_kind"],
            kg=f.cleaned_data["kg"],
        )
        for f in formset
        if f.cleaned_data and f.cleaned_data.get("category")
    ]


class FoodRequestCreateView(PartnerMixin, View):
    def get(self, request):
        return self._render(request, FoodRequestForm(), FoodRequestLineFormSet(prefix="lines"))

    def post(self, request):
        form = FoodRequestForm(request.POST)
        formset = FoodRequestLineFormSet(request.POST, prefix="lines")
        context = self.partner_context()
        if context["refusal"]:
            form.is_valid()
            form.add_error(None, context["refusal"])
        elif form.is_valid() and formset.is_valid():
            try:
                food_request, _created = services.food_request_submit(
                    partner=self.partner,
                    needed_on=form.cleaned_data["needed_on"],
                    people_served=form.cleaned_data["people_served"],
                    handover=form.cleaned_data["handover"],
                    note=form.cleaned_data["note"],
                    lines=_request_lines(formset),
                    actor=request.user,
                    submission_token=form.cleaned_data["submission_token"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your food request was sent to the hub."))
                return redirect("food-portal:request-detail", pk=food_request.pk)
        return self._render(request, form, formset, status=400)

    def _render(self, request, form, formset, status=200):
        return render(
            request,
            "foodhub/portal/request_form.html",
            {**self.partner_context(), "form": form, "formset": formset},
            status=status,
        )


class FoodRequestDetailView(PartnerMixin, View):
    def get(self, request, pk):
        if self.partner is None:
            raise Http404
        try:
            food_request = selectors.food_request_get_for_partner(partner=self.partner, pk=pk)
        except FoodRequest.DoesNotExist as exc:
            raise Http404 from exc
        return render(
            request,
            "foodhub/portal/request_detail.html",
            {**self.partner_context(), "request_obj": food_request},
        )

    def post(self, request, pk):
        """Cancel the request (only while no operator has started it)."""
        if self.partner is None:
            raise Http404
        try:
            food_request = selectors.food_request_get_for_partner(partner=self.partner, pk=pk)
        except FoodRequest.DoesNotExist as exc:
            raise Http404 from exc
        try:
            services.food_request_cancel(request=food_request, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The request was cancelled."))
        return redirect("food-portal:request-detail", pk=pk)
