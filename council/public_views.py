"""Pages outside the workspace: the public supporter-concern form, approved 事例 for platform
staff, and access counts for auditors. None of them shows case data."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView
from django.views.generic.edit import FormView

from core.abuse import PublicFormGuardMixin

from . import selectors, services
from .forms import ConcernForm
from .models import CaseExample

CONCERNS_PER_HOUR = 5
_SESSION_RECEIPT = "council_concern_sent"


class ConcernCreateView(PublicFormGuardMixin, FormView):
    template_name = "council/concern_form.html"
    form_class = ConcernForm
    honeypot_message = gettext_lazy("The message could not be sent. Please try again.")
    rate_limit_scope = "council.concern"
    rate_limit_per_hour = CONCERNS_PER_HOUR
    rate_limit_message = gettext_lazy(
        "Too many messages were sent from here. Please try again in an hour."
    )

    def submit(self, form):
        services.concern_submit(
            data=form.service_data(), submission_token=form.cleaned_data["submission_token"]
        )
        # The page says only that it was sent; the receipt number goes by e-mail only.
        self.request.session[_SESSION_RECEIPT] = True
        return redirect("council:concern-sent")


class ConcernSentView(TemplateView):
    template_name = "council/concern_sent.html"

    def get(self, request, *args, **kwargs):
        if not request.session.get(_SESSION_RECEIPT):
            return redirect("council:concern")
        return super().get(request, *args, **kwargs)


class ExampleListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """Approved anonymised examples, for logged-in platform staff."""

    template_name = "council/examples.html"
    permission_required = "council.view_council"
    paginate_by = 20

    def get_queryset(self):
        return CaseExample.objects.filter(status=CaseExample.Status.APPROVED).select_related(
            "council"
        )


class AccessCountsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Auditors: access counts per user and action, without case ids."""

    template_name = "council/access_counts.html"
    permission_required = "council.view_access_counts"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = selectors.access_counts()
        return context
