import datetime
import itertools
import logging

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from core.abuse import PublicFormGuardMixin
from core.selectors import municipality_list

from . import selectors, services
from .forms import SignupForm
from .models import Registration, TrainingSession

logger = logging.getLogger(__name__)


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


class TrainingSignupView(PublicFormGuardMixin, FormView):
    """The public sign-up. The visitor is core.abuse.client_ip: REMOTE_ADDR unless
    TRUSTED_PROXY_COUNT proxies are configured, so a forged X-Forwarded-For header cannot reset
    the hourly count (from the rules in force)."""

    template_name = "supporters/training_signup.html"
    form_class = SignupForm
    honeypot_field = "website"
    rate_limit_scope = "supporters.signup"
    rate_limit_message = gettext_lazy(
        "Too many sign-ups from your connection. Please try again in an hour."
    )

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
            # Full, or others already waiting: the form offers the waiting list.
            "waitlist_only": session.registered_count >= session.capacity
            or session.waiting_count > 0,
            "signup_open": open_,
            "consent_text": selectors.consent_text_current(),
        }

    def get_rate_limit(self):
        return selectors.rules_in_force().signup_limit_per_hour

    def honeypot_response(self, form):
        # A bot filled the hidden field: answer as if all went well, save nothing.
        return redirect("supporters:training-signup-done", pk=self.session.pk)

    def submit(self, form):
        data = {**form.registration_data(), "consent_text": selectors.consent_text_current()}
        registration, _created = services.registration_create(
            session_id=self.session.pk,
            data=data,
            token=form.cleaned_data["token"],
            waitlist=self.request.POST.get("waitlist") == "1",
        )
        done = reverse("supporters:training-signup-done", args=[self.session.pk])
        if registration.status == Registration.Status.WAITLISTED:
            done += "?waiting=1"
        return redirect(done)


class TrainingSignupDoneView(TemplateView):
    template_name = "supporters/training_signup_done.html"

    def get_context_data(self, **kwargs):
        try:
            session = selectors.training_get_public(kwargs["pk"])
        except TrainingSession.DoesNotExist as exc:
            raise Http404 from exc
        return {
            **super().get_context_data(**kwargs),
            "session": session,
            "waiting": self.request.GET.get("waiting") == "1",
        }


class TrainingCalendarView(TemplateView):
    """A month of public sessions as a calendar grid (a list of days on a narrow screen)."""

    template_name = "supporters/training_calendar.html"

    def get_context_data(self, **kwargs):
        month = _month_param(self.request.GET.get("month", ""))
        municipality = self.request.GET.get("municipality", "")
        municipality_id = int(municipality) if municipality.isdigit() else None
        weeks = selectors.training_calendar_public(month=month, municipality_id=municipality_id)
        return {
            **super().get_context_data(**kwargs),
            "month": month,
            "weeks": weeks,
            "has_sessions": any(day and day["sessions"] for week in weeks for day in week),
            "previous_month": (month - datetime.timedelta(days=1)).replace(day=1),
            "next_month": (month + datetime.timedelta(days=31)).replace(day=1),
            "today": timezone.localdate(),
            "now": timezone.now(),
            "weekdays": ["日", "月", "火", "水", "木", "金", "土"],
            "municipalities": municipality_list(),
            "selected_municipality": municipality_id,
        }


def _month_param(value: str) -> datetime.date:
    """?month=2026-12 → 2026-12-01; anything else → this month."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


class _LinkView(TemplateView):
    """A page reached from a link in an e-mail. GET only shows what the button will do (mail
    scanners open links); the change happens on POST."""

    salt = ""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.registration = services.registration_from_link(kwargs["link"], salt=self.salt)
        except services.LinkInvalid:
            return self.render_to_response({"invalid": True, "contact": True}, status=404)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "registration": self.registration,
            "session": self.registration.session,
        }


class RegistrationCancelView(_LinkView):
    """Cancel one's own sign-up (or leave the waiting list) from the confirmation e-mail."""

    template_name = "supporters/registration_cancel.html"
    salt = services.CANCEL_SALT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        refusal = services.self_cancel_refusal(self.registration, timezone.now())
        deadline = None
        if self.registration.status == Registration.Status.REGISTERED:
            deadline = services.self_cancel_deadline(self.registration.session)
        return {**context, "refusal": refusal, "deadline": deadline}

    def post(self, request, *args, **kwargs):
        try:
            services.registration_self_cancel(registration=self.registration)
        except ValidationError as exc:
            return self.render_to_response(
                {**self.get_context_data(**kwargs), "refusal": " ".join(exc.messages)},
                status=400,
            )
        self.registration.refresh_from_db()
        return self.render_to_response({**self.get_context_data(**kwargs), "done": True})


class WaitlistOfferView(_LinkView):
    """Accept (or decline) a place offered from the waiting list, within the offer's time."""

    template_name = "supporters/waitlist_offer.html"
    salt = services.OFFER_SALT

    def get(self, request, *args, **kwargs):
        # The on-demand check: an offer that lapsed is passed on before the page says so.
        services.waitlist_offers_expire()
        self.registration.refresh_from_db()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            if request.POST.get("answer") == "decline":
                services.registration_self_cancel(registration=self.registration)
                outcome = "declined"
            else:
                services.waitlist_offer_accept(registration=self.registration)
                outcome = "accepted"
        except ValidationError as exc:
            self.registration.refresh_from_db()
            return self.render_to_response(
                {**self.get_context_data(**kwargs), "refusal": " ".join(exc.messages)},
                status=400,
            )
        self.registration.refresh_from_db()
        return self.render_to_response({**self.get_context_data(**kwargs), "outcome": outcome})
