"""Reminders and notices by e-mail, each recorded and sent at most once.

`notify()` is what every app's reminder task calls. The (purpose, object, period, recipient)
row is created and locked in one transaction and marked sent in the same one, so a task that
runs twice, or two workers racing, send one e-mail. If sending raises, the transaction rolls
back and a retry sends again.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .contact import with_contact
from .models import Notification
from .roles import SECRETARIAT


def notify(
    *,
    purpose: str,
    target,
    period: str,
    recipient: str,
    subject: str,
    template_name: str,
    context: dict,
) -> bool:
    """Send one e-mail unless it was already sent. Returns True if sent now.

    `purpose` is a dotted code (e.g. "members.no_contact_reminder"); `period` names the window the
    reminder is for (e.g. "2026-11-24" for a daily one, "2026-11" for a monthly one).
    """
    content_type = ContentType.objects.get_for_model(target)
    key = {
        "purpose": purpose,
        "content_type": content_type,
        "object_id": str(target.pk),
        "period": period,
        "recipient": recipient,
    }
    try:
        with transaction.atomic():
            Notification.objects.get_or_create(**key, defaults={"subject": subject})
    except IntegrityError:
        pass  # created by a concurrent run; the lock below settles who sends

    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(**key)
        if notification.status == Notification.Status.SENT:
            return False
        with translation.override("ja"), timezone.override("Asia/Tokyo"):
            body = with_contact(render_to_string(template_name, {**context, "target": target}))
        EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient]
        ).send()
        notification.subject = subject
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.save(update_fields=["subject", "status", "sent_at"])
    return True


def secretariat_emails() -> list[str]:
    """The e-mail address of every active secretariat member, in a fixed order."""
    return list(
        get_user_model()
        .objects.filter(groups__name=SECRETARIAT, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )


def notify_secretariat(
    *, purpose: str, period: str, subject: str, template_name: str, context: dict
) -> int:
    """notify() every active secretariat member about the secretariat itself (the nightly
    checks and alerts), once per person and period. Returns how many were sent now."""
    group = Group.objects.get(name=SECRETARIAT)
    return sum(
        notify(
            purpose=purpose,
            target=group,
            period=period,
            recipient=email,
            subject=subject,
            template_name=template_name,
            context=context,
        )
        for email in secretariat_emails()
    )
