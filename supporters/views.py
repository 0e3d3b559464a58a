import itertools
import logging

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.abuse import rate_limit_exceeded
from core.forms import add_service_errors
from core.selectors import municipality_list

from . import selectors, services
from .forms import SignupForm
from .models import TrainingSession

logger = logging.getLogger(__name__)


def signup_rate_limited(request) -> bool:
    """Count this attempt; True when the visitor went over the hourly limit (from the rules).

    The visitor is core.abuse.client_ip: REMOTE_ADDR unless TRUSTED_PROXY_COUNT proxies are
    configured, so a forged X-Forwarded-For header cannot reset the count.
    """
    return rate_limit_exceeded(
        request,
        scope="supporters.signup",
        limit=selectors.rules_in_force().signup_limit_per_hour,
        window_seconds=3600,
    )


class TrainingListView(TemplateView):
    """The public calendar of upcoming sessions, grouped by month."""

    template_name = "supporters/training_list.html"

    def get_context_data(self, **kwargs):
        municipality = self.request.GET.get("municipality", "")
        municipality_id = int(municipality) if municipality.isdigit() else None
        sessions = list(selectors.training_list_public(municipality_id=municipality_id))
        months = [
            (month, list(group))
            for month, group in itertools.groupby(
                sessions, key=lambda s: timezone.localtime(s.starts_at).date().replace(day=1)
            )
        ]
        return {
            **super().get_context_data(**kwargs),
            "months": months,
            "municipalities": municipality_list(),
            "selected_municipality": municipality_id,
        }


class TrainingSignupView(FormView):
    template_name = "supporters/training_signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        try:
            self.session = selectors.training_get_public(kwargs["pk"])
        except TrainingSession.DoesNotExist as exc:
            raise Http404 from exc
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        session = self.session
        open_ = (
            session.status == TrainingSession.Status.SCHEDULED
            and session.starts_at > timezone.now()
        )
        return {
            **super().get_context_data(**kwargs),
            "session": session,
            "seats_left": max(session.capacity - session.registered_count, 0),
            "signup_open": open_,
            "consent_text": selectors.consent_text_current(),
        }

    def form_valid(self, form):
        if form.cleaned_data["website"]:
            # A bot filled the hidden field: answer as if all went well, save nothing.
            logger.info("Supporter sign-up honeypot triggered for session %s", self.session.pk)
            return redirect("supporters:training-signup-done", pk=self.session.pk)
        if signup_rate_limited(self.request):
            form.add_error(
                None, _("Too many sign-ups from your connection. Please try again in an hour.")
            )
            return self.form_invalid(form)
        data = {**form.registration_data(), "consent_text": selectors.consent_text_current()}
        try:
            services.registration_create(
                session_id=self.session.pk, data=data, token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect("supporters:training-signup-done", pk=self.session.pk)


class TrainingSignupDoneView(TemplateView):
    template_name = "supporters/training_signup_done.html"

    def get_context_data(self, **kwargs):
        try:
            session = selectors.training_get_public(kwargs["pk"])
        except TrainingSession.DoesNotExist as exc:
            raise Http404 from exc
        return {**super().get_context_data(**kwargs), "session": session}
