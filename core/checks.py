from django.conf import settings
from django.core.checks import Warning, register

_NOT_SENDING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(deploy=True)
def email_is_really_sent(app_configs, **kwargs):
    """Reminders are recorded as sent once and never again: in production they must really go."""
    if settings.EMAIL_BACKEND in _NOT_SENDING:
        return [
            Warning(
                f"EMAIL_URL does not send e-mail (backend {settings.EMAIL_BACKEND}).",
                hint="Set EMAIL_URL to your SMTP server, e.g. smtp+tls://user:pass@host:587. "
                "Notifications are recorded as sent exactly once, so mails written to the "
                "console are never sent later.",
                id="kirin_pf.W001",
            )
        ]
    return []
