from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.urls import reverse

from . import roles
from .abuse import client_ip
from .contact import with_contact
from .security_log import SecurityEvent, security_event_record


def _only_hub_operator(user) -> bool:
    """A hub operator and nothing else: their work is on /foodhub/, not in the admin."""
    if user.is_superuser:
        return False
    return set(user.groups.values_list("name", flat=True)) == {roles.HUB_OPERATOR}


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the secretariat; nobody signs up on their own."""

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:  # too many failed attempts for this address or login name
            from .security import log_lockout

            log_lockout(request, credentials.get("email") or credentials.get("username") or "")
            raise

    def send_password_reset_mail(self, user, email, context):
        security_event_record(
            SecurityEvent.Kind.PASSWORD_RESET_REQUESTED,
            request=context.get("request") or self.request,
            user=user,
            login=email,
        )
        return super().send_password_reset_mail(user, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        # Every e-mail ends in the 事務局's contact, allauth's own (password reset…) too.
        message = super().render_mail(template_prefix, email, context, headers=headers)
        message.body = with_contact(message.body)
        return message

    def get_client_ip(self, request):
        # The one notion of "who is asking" (TRUSTED_PROXY_COUNT) for allauth's rate limits too.
        return client_ip(request) or super().get_client_ip(request)

    def get_login_redirect_url(self, request):
        # Staff work in the admin, hub operators at their hubs; member organisations' contacts
        # on their own entry.
        if _only_hub_operator(request.user):
            return reverse("foodhub:stock")
        if request.user.is_staff:
            return super().get_login_redirect_url(request)
        return reverse("members:my-organisation")
