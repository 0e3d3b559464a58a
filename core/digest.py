"""Reminders to staff as one e-mail per person and run (a digest), each item still once.

`notify_digest` records every (purpose, item, period, recipient) like core.notifications.notify
does for a single e-mail, and sends one mail listing the items not yet sent to that person. So
112 waiting applications and 4 secretariat members make 4 mails, not 448; a second run the same
day sends nothing; an item that comes up later is sent in the next digest.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .contact import with_contact
from .models import Notification


def _key(purpose, target, period, recipient):
    return {
        "purpose": purpose,
        "content_type": ContentType.objects.get_for_model(target),
        "object_id": str(target.pk),
        "period": period,
        "recipient": recipient,
    }


def notify_digest(
    *,
    purpose: str,
    items: list,
    recipient: str,
    subject: str,
    template_name: str,
    context: dict,
) -> int:
    """One e-mail to `recipient` about every (target, period) in `items` not yet sent to them for
    `purpose`. The template gets `items` (the targets newly covered, in the given order). Returns
    how many items the mail covered (0: nothing new, no mail)."""
    keys = [(target, _key(purpose, target, period, recipient)) for target, period in items]
    for _target, key in keys:
        try:
            with transaction.atomic():
                Notification.objects.get_or_create(**key, defaults={"subject": subject})
        except IntegrityError:
            pass  # created by a concurrent run; the lock below settles who sends

    with transaction.atomic():
        pending = []
        for target, key in keys:
            row = Notification.objects.select_for_update().get(**key)
            if row.status != Notification.Status.SENT:
                pending.append((target, row))
        if not pending:
            return 0
        with translation.override("ja"), timezone.override("Asia/Tokyo"):
            body = with_contact(
                render_to_string(
                    template_name, {**context, "items": [target for target, _row in pending]}
                )
            )
        EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient]
        ).send()
        Notification.objects.filter(pk__in=[row.pk for _target, row in pending]).update(
            subject=subject, status=Notification.Status.SENT, sent_at=timezone.now()
        )
    return len(pending)
