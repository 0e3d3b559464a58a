"""Abuse protection shared by the public forms: who is asking, how often, and the one refusal
block every public form goes through (PublicFormGuardMixin)."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from .forms import add_service_errors

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The visitor's address. X-Forwarded-For is trusted only for the configured number of
    reverse proxies in front of the application (TRUSTED_PROXY_COUNT); anyone can forge it
    otherwise."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_exceeded(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for this visitor and say whether they are over `limit` per window.

    Only a hash of the address is kept, in the cache, for the window.
    """
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        attempts = 1
    return attempts > limit


class PublicFormGuardMixin:
    """The refusal block of every public form (a FormView), always in this order:

    1. the honeypot: a hidden field only bots fill (`honeypot_field`). With `honeypot_message`
       the form says it could not be sent; without, the bot is answered as if all went well
       (`honeypot_response`) and nothing is saved;
    2. the per-address rate limit (`rate_limit_scope`, `get_rate_limit()` per hour, counted by
       client_ip), with `rate_limit_message`; staff typing in paper forms may be exempt;
    3. `submit(form)`: the app's service, given the form's submission token, so a double
       submit returns the first record; a refusal (ValidationError) is shown on the form.

    Apps write `submit` (and the messages); the order and the refusals are decided here once.
    """

    honeypot_field = "homepage_url"
    honeypot_message = None
    rate_limit_scope = ""
    rate_limit_per_hour = 5
    rate_limit_message = ""
    rate_limit_exempts_staff = False

    def get_rate_limit(self) -> int:
        return self.rate_limit_per_hour

    def honeypot_response(self, form):
        raise NotImplementedError(f"{type(self).__name__} sets honeypot_message or this")

    def submit(self, form):
        raise NotImplementedError(f"{type(self).__name__} must define submit()")

    def rate_limited(self) -> bool:
        if self.rate_limit_exempts_staff and self.request.user.is_staff:
            return False
        return rate_limit_exceeded(
            self.request,
            scope=self.rate_limit_scope,
            limit=self.get_rate_limit(),
            window_seconds=3600,
        )

    def form_valid(self, form):
        if form.cleaned_data.get(self.honeypot_field):
            logger.info("Honeypot filled on %s", self.request.path)
            if self.honeypot_message is None:
                return self.honeypot_response(form)
            form.add_error(None, self.honeypot_message)
            return self.form_invalid(form)
        if self.rate_limited():
            form.add_error(None, self.rate_limit_message)
            return self.form_invalid(form)
        try:
            return self.submit(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
