"""Pages for a member organisation's contact person (signed in, invited by the secretariat):
their organisation's entry, 変更届 (別紙2) and 退会届 (別紙3)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from . import services
from .models import PUBLISHABLE_FIELDS, MemberNotice, Membership, Organisation


class ContactRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            contact = getattr(request.user, "organisation_contact", None)
            if contact is None:
                raise PermissionDenied
            self.organisation = Organisation.objects.select_related("municipality").get(
                pk=contact.organisation_id
            )
        return super().dispatch(request, *args, **kwargs)


class MyOrganisationView(ContactRequiredMixin, TemplateView):
    template_name = "members/my_organisation.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "organisation": self.organisation,
            "membership": Membership.objects.active()
            .filter(organisation=self.organisation)
            .first(),
            "notices": self.organisation.notices.order_by("-submitted_at")[:20],
        }


class ChangeNoticeForm(forms.ModelForm):
    public_fields = forms.MultipleChoiceField(
        label=gettext_lazy("fields shown in the public directory"),
        choices=PUBLISHABLE_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    website = forms.URLField(label=gettext_lazy("website"), required=False, assume_scheme="https")
    reason = forms.CharField(label=gettext_lazy("note"), required=False, widget=forms.Textarea)

    class Meta:
        model = Organisation
        fields = [name for name in services.CHANGEABLE_FIELDS if name != "organisation_type"]


class ChangeNoticeView(ContactRequiredMixin, FormView):
    template_name = "members/my_change.html"
    form_class = ChangeNoticeForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form must not change the organisation itself, only describe the change.
        kwargs["instance"] = Organisation.objects.get(pk=self.organisation.pk)
        return kwargs

    def form_valid(self, form):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.CHANGEABLE_FIELDS
        }
        try:
            services.notice_submit(
                organisation=self.organisation,
                kind=MemberNotice.Kind.CHANGE,
                changes=changes,
                reason=form.cleaned_data.get("reason", ""),
                actor=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Your change notice was sent to the secretariat."))
        return redirect("members:my-organisation")


class WithdrawalNoticeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason"), widget=forms.Textarea)
    effective_on = forms.DateField(
        label=gettext_lazy("effective on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_effective_on(self):
        value = self.cleaned_data["effective_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        return value


class WithdrawalNoticeView(ContactRequiredMixin, FormView):
    template_name = "members/my_withdraw.html"
    form_class = WithdrawalNoticeForm

    def form_valid(self, form):
        try:
            services.notice_submit(
                organisation=self.organisation,
                kind=MemberNotice.Kind.WITHDRAWAL,
                reason=form.cleaned_data["reason"],
                effective_on=form.cleaned_data["effective_on"],
                actor=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Your withdrawal notice was sent to the secretariat."))
        return redirect("members:my-organisation")
