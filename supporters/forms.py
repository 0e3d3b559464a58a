import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import add_service_errors
from core.japanese import is_kana
from core.limits import BoundedTextMixin

from . import services
from .models import Registration, SchoolDistrict


def run_check(form, check, *args, **kwargs) -> None:
    """Call a service check from a form's clean(); its errors go next to the fields."""
    try:
        check(*args, **kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)


class SignupForm(BoundedTextMixin, forms.ModelForm):
    """The public sign-up form. `website` is a honeypot: people never see or fill it."""

    consent = forms.BooleanField(
        label=_("I agree to how my personal data is used (text above)"),
        error_messages={"required": _("Please read and agree to the consent text.")},
    )
    website = forms.CharField(label=_("Leave this empty"), required=False)
    token = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Registration
        fields = [
            "full_name",
            "full_name_kana",
            "email",
            "phone",
            "municipality",
            "district",
            "affiliation",
            "receives_line",
            "line_name",
        ]
        labels = {"full_name": _("Name"), "full_name_kana": _("Name (furigana)")}
        help_texts = {
            "email": _("We send the confirmation and a reminder the day before to this address."),
            "district": _("Your junior-high school district, if you know it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = SchoolDistrict.objects.select_related(
            "municipality"
        ).order_by("municipality__display_order", "display_order", "pk")
        self.fields["municipality"].empty_label = _("Choose")
        self.fields["district"].empty_label = _("Not sure / none")
        self.fields["phone"].required = False
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
        for name, field in self.fields.items():
            if name != "token":
                field.widget.attrs.setdefault("aria-describedby", f"{name}-errors")

    def clean_full_name_kana(self):
        value = self.cleaned_data["full_name_kana"].strip()
        if not is_kana(value):
            raise forms.ValidationError(_("Please write your name in hiragana or katakana."))
        return value

    def clean(self):
        cleaned = super().clean()
        run_check(self, services.details_check, cleaned)
        return cleaned

    def registration_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
