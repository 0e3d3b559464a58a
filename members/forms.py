import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.admin_base import too_short_search, too_short_search_message
from core.japanese import fold, is_kana, normalize_phone, normalize_postal_code
from core.limits import BoundedTextMixin
from core.models import Municipality

from .models import (
    DIRECTLY_REGISTERED_TYPES,
    PUBLISHABLE_FIELDS,
    REGISTER_ENTRY_FIELDS,
    ActivityField,
    Application,
    Membership,
    OrganisationType,
)


class ApplicationForm(BoundedTextMixin, forms.ModelForm):
    """入会申込書 (別紙1). Every check of 要領第2条 is an explicit declaration."""

    organisation_type = forms.ChoiceField(
        label=_("organisation type"),
        choices=[("", "---------")]
        + [
            (v, label)
            for v, label in OrganisationType.choices
            if v not in DIRECTLY_REGISTERED_TYPES
        ],
        help_text=_(
            "Individuals cannot join. Public bodies and social welfare councils are registered "
            "directly by the secretariat."
        ),
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    municipality = forms.ModelChoiceField(
        label=_("municipality where based"),
        queryset=Municipality.objects.order_by("display_order", "pk"),
        required=False,
    )
    active_municipalities = forms.ModelMultipleChoiceField(
        label=_("municipalities where active"),
        queryset=Municipality.objects.order_by("display_order", "pk"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    activity_fields = forms.ModelMultipleChoiceField(
        label=_("fields of activity"),
        queryset=ActivityField.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    public_fields = forms.MultipleChoiceField(
        label=_("fields shown in the public directory"),
        choices=PUBLISHABLE_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The name, type, municipalities and fields of activity of members are public "
            "(要領第3条3). Choose what else may be shown."
        ),
    )
    declares_isolation_activity = forms.BooleanField(
        label=_("our activities relate to measures against loneliness and isolation"),
        error_messages={"required": _("This declaration is required to apply.")},
    )
    declares_no_antisocial_ties = forms.BooleanField(
        label=_("we have no relation to organised crime or other antisocial forces"),
        error_messages={"required": _("This declaration is required to apply.")},
    )
    declares_agreement = forms.BooleanField(
        label=_("we agree to the platform rules"),
        error_messages={"required": _("This declaration is required to apply.")},
    )
    # Abuse protection: people never see this field; simple bots fill every field they find.
    homepage_url = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Application
        fields = (
            *REGISTER_ENTRY_FIELDS,
            "is_reapplication",
            "reapplication_reasons",
            "declares_isolation_activity",
            "declares_no_antisocial_ties",
            "declares_agreement",
        )
        widgets = {
            "activity_summary": forms.Textarea(attrs={"rows": 4}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "reapplication_reasons": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reapplication_reasons": _(
                "Former members: please explain the reasons for applying again (要領第5条1)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())

    def clean_name_kana(self):
        value = self.cleaned_data["name_kana"]
        if not is_kana(value):
            raise forms.ValidationError(_("Write the reading in hiragana or katakana."))
        return fold(value)

    def clean_postal_code(self):
        value = normalize_postal_code(self.cleaned_data["postal_code"])
        if value is None:
            raise forms.ValidationError(_("Enter the postal code as 7 digits, e.g. 680-0001."))
        return value

    def clean_phone(self):
        value = normalize_phone(self.cleaned_data["phone"])
        if value is None:
            raise forms.ValidationError(_("Enter a phone number with 10 or 11 digits."))
        return value

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("is_reapplication")
            and not (cleaned.get("reapplication_reasons") or "").strip()
        ):
            self.add_error(
                "reapplication_reasons",
                _("When applying again, please write the reasons for re-applying."),
            )
        return cleaned

    def service_data(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in ("active_municipalities", "activity_fields")
        }
        return data


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    municipality = forms.ModelChoiceField(
        label=_("municipality"),
        queryset=Municipality.objects.order_by("display_order", "pk"),
        required=False,
        empty_label=_("All"),
    )
    field = forms.ModelChoiceField(
        label=_("field of activity"),
        queryset=ActivityField.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    tier = forms.ChoiceField(
        label=_("tier"),
        choices=[("", _("All")), *Membership.Tier.choices],
        required=False,
    )

    def clean_q(self):
        query = self.cleaned_data["q"]
        if too_short_search(query):
            raise forms.ValidationError(too_short_search_message())
        return query
