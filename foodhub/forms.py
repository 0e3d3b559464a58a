"""Staff forms. They only parse input; every rule lives in foodhub.services."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import DateKind, Disposal, Donor, Item, Lot, Recipient, Site, Zone


def _today():
    return timezone.localdate()


class IdempotentForm(forms.Form):
    """Carries a token issued with the page: submitting the same page twice records once."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


def _stock_mark():
    from .services import stock_mark

    return stock_mark()


class StockSeenMixin(forms.Form):
    """Carries the stock mark of the page, so a shortage on submit can be told apart from a
    change someone else made after the page was shown."""

    stock_seen = forms.IntegerField(widget=forms.HiddenInput, initial=_stock_mark, required=False)


class LotNumberField(forms.ModelChoiceField):
    """A lot by its number (shown on the stock page and the pick list), not a <select>: a list
    of every lot in stock would grow with the stock (tens of thousands at the centre)."""

    widget = forms.NumberInput(attrs={"min": 1, "class": "lot-number"})
    default_error_messages = {"invalid_choice": _("There is no lot with this number in stock.")}


def _lots_for(user):
    from .selectors import lot_list_for_user

    return lot_list_for_user(user)


class DonationForm(IdempotentForm):
    donor = forms.ModelChoiceField(
        label=_("donor"),
        queryset=Donor.objects.order_by("name_kana"),
        widget=forms.Select(attrs={"autofocus": True}),
    )
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none())
    received_on = forms.DateField(
        label=pgettext_lazy("food", "received on"),
        initial=_today,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.operable_by(user).order_by("kind", "name")


class ReceiptLineForm(forms.Form):
    item = forms.ModelChoiceField(label=_("item"), queryset=Item.objects.order_by("name"))
    zone_kind = forms.ChoiceField(
        label=_("storage"), choices=Zone.Kind.choices, initial=Zone.Kind.AMBIENT
    )
    kg = forms.DecimalField(label=_("kg"), max_digits=10, decimal_places=2, min_value=0.01)
    quantity = forms.IntegerField(label=_("pieces"), min_value=0, initial=0)
    date_kind = forms.ChoiceField(
        label=_("date kind"), choices=DateKind.choices, initial=DateKind.BEST_BEFORE
    )
    # Empty for produce and non-food (items without an expiry date).
    expiry_date = forms.DateField(
        label=_("date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


ReceiptLineFormSet = forms.formset_factory(ReceiptLineForm, extra=8, max_num=60)


class PickLineForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("item"), queryset=Item.objects.order_by("name"), required=False
    )
    kg = forms.DecimalField(label=_("kg"), max_digits=10, decimal_places=2, min_value=0.01)
    lot = LotNumberField(
        label=_("lot number (leave empty for first-expiry-first-out)"),
        queryset=Lot.objects.none(),
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["lot"].queryset = _lots_for(user)

    def clean(self):
        data = super().clean()
        if not data.get("item") and not data.get("lot"):
            raise forms.ValidationError(_("Choose an item or a lot."))
        return data


PickLineFormSet = forms.formset_factory(PickLineForm, extra=5, max_num=60)


class TransferForm(StockSeenMixin, IdempotentForm):
    from_site = forms.ModelChoiceField(label=_("from"), queryset=Site.objects.none())
    to_site = forms.ModelChoiceField(label=_("to"), queryset=Site.objects.none())
    sent_on = forms.DateField(
        label=_("sent on"), initial=_today, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_site"].queryset = Site.objects.operable_by(user).order_by("kind", "name")
        self.fields["to_site"].queryset = Site.objects.order_by("kind", "name")


class TransferReceiveLineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    received_kg = forms.DecimalField(
        label=_("kg received"), max_digits=10, decimal_places=2, min_value=0
    )
    received_quantity = forms.IntegerField(label=_("pieces received"), min_value=0)
    reason = forms.CharField(label=_("reason for difference"), max_length=200, required=False)


TransferReceiveFormSet = forms.formset_factory(TransferReceiveLineForm, extra=0)


class TransferReceiveForm(forms.Form):
    received_on = forms.DateField(
        label=pgettext_lazy("food", "received on"),
        initial=_today,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DistributionForm(StockSeenMixin, IdempotentForm):
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none())
    recipient = forms.ModelChoiceField(label=_("food recipient"), queryset=Recipient.objects.none())
    distributed_on = forms.DateField(
        label=_("distributed on"), initial=_today, widget=forms.DateInput(attrs={"type": "date"})
    )
    confirm_past_best_before = forms.BooleanField(
        label=_("I have checked the food past its best-before date and it may be handed out."),
        required=False,
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        from .selectors import recipient_list_for_user

        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.operable_by(user).order_by("kind", "name")
        self.fields["recipient"].queryset = recipient_list_for_user(user)


class ConsentForm(forms.Form):
    agreed_on = forms.DateField(
        label=_("agreed on"), initial=_today, widget=forms.DateInput(attrs={"type": "date"})
    )
    document_reference = forms.CharField(
        label=_("signed form reference"), max_length=100, required=False
    )


class DisposalForm(IdempotentForm):
    lot = LotNumberField(label=_("lot number"), queryset=Lot.objects.none())
    kg = forms.DecimalField(label=_("kg"), max_digits=10, decimal_places=2, min_value=0.01)
    reason = forms.ChoiceField(label=_("reason"), choices=Disposal.Reason.choices)
    disposed_on = forms.DateField(
        label=_("disposed on"), initial=_today, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = _lots_for(user).filter(
            site__in=Site.objects.operable_by(user)
        )

    def chosen_lot(self):
        """The lot the number points to, to show what is being disposed of (or None)."""
        value = self["lot"].value()
        if not str(value or "").isdigit():
            return None
        return self.fields["lot"].queryset.filter(pk=value).first()


class StocktakeForm(IdempotentForm):
    counted_on = forms.DateField(
        label=_("counted on"), initial=_today, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    # services.stock_mark() when the sheet was opened: a lot moved since then is counted again.
    stock_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class StockCountForm(forms.Form):
    """One lot of a blind count: the book figures are neither shown nor sent with the sheet."""

    lot_id = forms.IntegerField(widget=forms.HiddenInput)
    counted_kg = forms.DecimalField(
        label=_("counted kg"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    counted_quantity = forms.IntegerField(
        label=_("counted pieces"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(label=_("reason for the difference"), max_length=200, required=False)


StockCountFormSet = forms.formset_factory(StockCountForm, extra=0)
