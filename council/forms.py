"""Workspace and public forms. Querysets are narrowed to the case's council by the views."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.limits import BoundedTextMixin
from core.models import Municipality

from .models import (
    Agency,
    Case,
    CaseMeeting,
    Category,
    ClosureReason,
    Council,
    CouncilMember,
    SupporterConcern,
)

DATE = forms.DateInput(attrs={"type": "date"})


class IntakeForm(forms.ModelForm):
    council = forms.ModelChoiceField(label=_("council"), queryset=Council.objects.none())
    categories = forms.ModelMultipleChoiceField(
        label=_("consultation categories"),
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Case
        fields = (
            "received_on",
            "route",
            "municipality",
            "categories",
            "footing",
            "consent",
            "consent_basis",
            "person_name",
            "person_kana",
            "date_of_birth",
            "address",
            "contact",
            "household",
            "summary",
        )
        widgets = {
            "received_on": DATE,
            "person_name": forms.TextInput,
            "person_kana": forms.TextInput,
            "address": forms.TextInput,
            "contact": forms.TextInput,
            "household": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "consent_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["council"]
        field.queryset = councils if councils is not None else Council.objects.none()
        if len(field.queryset) == 1:  # one council: nothing to choose
            field.initial = field.queryset[0].pk
            field.widget = forms.HiddenInput()
        self.order_fields(["council"])

    def service_data(self):
        data = dict(self.cleaned_data)
        data.pop("categories")
        data.pop("council")
        return data


class ShareForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none())
    override_reason = forms.CharField(
        label=_("reason for sharing without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ParticipantForm(forms.Form):
    member = forms.ModelChoiceField(label=_("member"), queryset=CouncilMember.objects.none())


class HearingForm(forms.Form):
    heard_on = forms.DateField(label=_("heard on"), widget=DATE)
    person_wishes = forms.CharField(label=_("what the person wants"), widget=forms.Textarea)
    family_wishes = forms.CharField(
        label=_("what the family wants"), widget=forms.Textarea, required=False
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    attendees = forms.CharField(label=_("attendees"), widget=forms.Textarea(attrs={"rows": 2}))


PLAN_ROLE_ROWS = 4


class PlanForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("case meeting"), queryset=CaseMeeting.objects.none())
    goals = forms.CharField(label=_("goals and policy"), widget=forms.Textarea)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, PLAN_ROLE_ROWS + 1):
            self.fields[f"agency_{i}"] = forms.ModelChoiceField(
                label=_("agency %(n)s") % {"n": i},
                queryset=agencies if agencies is not None else Agency.objects.none(),
                required=False,
            )
            self.fields[f"task_{i}"] = forms.CharField(
                label=_("task %(n)s") % {"n": i}, required=False
            )
            self.fields[f"due_{i}"] = forms.DateField(
                label=_("by %(n)s") % {"n": i}, required=False, widget=DATE
            )

    def roles(self):
        data = self.cleaned_data
        return [
            (data[f"agency_{i}"], data[f"task_{i}"], data[f"due_{i}"])
            for i in range(1, PLAN_ROLE_ROWS + 1)
        ]


class SupportStartForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none())
    started_on = forms.DateField(label=_("support started on"), widget=DATE)


class RecordForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none())
    done_on = forms.DateField(label=_("date"), widget=DATE)
    content = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=_("check on"), widget=DATE)


class FollowUpDoneForm(forms.Form):
    follow_up = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("checked on"), widget=DATE)
    note = forms.CharField(label=_("result"), widget=forms.Textarea(attrs={"rows": 2}))
    needs_changed = forms.BooleanField(label=_("needs changed (back to planning)"), required=False)


class FlagForm(forms.Form):
    concern = forms.CharField(label=_("concern"), widget=forms.Textarea(attrs={"rows": 2}))


class IdForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("closure reason"), choices=ClosureReason.choices)


class TransferForm(forms.Form):
    to_council = forms.ModelChoiceField(label=_("to council"), queryset=Council.objects.none())


class ExampleForm(forms.Form):
    title = forms.CharField(label=_("example title"), max_length=200)
    body = forms.CharField(label=_("example"), widget=forms.Textarea)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("decision note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BreakGlassForm(forms.Form):
    reference = forms.CharField(label=_("case reference"), max_length=20)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ConcernForm(BoundedTextMixin, forms.ModelForm):
    municipality = forms.ModelChoiceField(
        label=_("municipality where the person lives"), queryset=Municipality.objects.all()
    )
    # Abuse protection: people never see this field; simple bots fill every field they find.
    homepage_url = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = SupporterConcern
        fields = (
            "municipality",
            "supporter_name",
            "supporter_email",
            "supporter_phone",
            "concern",
            "urgency",
        )
        widgets = {
            "supporter_name": forms.TextInput,
            "supporter_email": forms.EmailInput,
            "supporter_phone": forms.TextInput,
            "concern": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())

    def clean_supporter_email(self):
        value = self.cleaned_data["supporter_email"].strip()
        forms.EmailField().clean(value)
        return value

    def service_data(self):
        return {k: self.cleaned_data[k] for k in self.Meta.fields}
