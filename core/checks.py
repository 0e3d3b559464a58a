from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

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


@register(Tags.database, deploy=True)
def no_demo_accounts(app_configs, databases=None, **kwargs):
    """The demo's logins (passwords in the repository, no two-factor under DEBUG) must not exist
    in an installation that runs without DEBUG. Run with `check --deploy --database default`."""
    if settings.DEBUG or not databases:
        return []
    from .demo import DEMO_DOMAIN, demo_accounts

    try:
        names = list(demo_accounts().values_list("email", flat=True)[:5])
    except DatabaseError:  # not migrated yet: nothing to find
        return []
    if not names:
        return []
    return [
        Error(
            f"Demo accounts exist: {', '.join(names)}.",
            hint=f"Deactivate or delete every account @{DEMO_DOMAIN} (created by "
            "load_demo_data); the demo is for development with DEBUG=true only.",
            id="kirin_pf.E010",
        )
    ]
