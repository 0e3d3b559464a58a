"""Notices to supporters: recipients recorded at creation, each address sent once."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.notifications import notify

from .. import selectors
from ..models import (
    NoticeRecipient,
    SupporterNotice,
)
from .checks import details_check


def notice_check(*, subject: str, body: str, municipality=None, district=None, status=""):
    """Everything notice_create refuses, for the add form to show before saving."""
    if not subject.strip() or not body.strip():
        raise ValidationError(_("A notice needs a subject and a text."))
    details_check({"municipality": municipality, "district": district})
    if not selectors.notice_recipients(
        municipality=municipality, district=district, status=status
    ).exists():
        raise ValidationError(_("No supporter with an e-mail address matches these filters."))


def notice_create(
    *,
    subject: str,
    body: str,
    municipality=None,
    district=None,
    status: str = "",
    actor,
    token: uuid.UUID | None = None,
) -> SupporterNotice:
    """Record a notice and exactly whom it goes to; sending is queued after commit.

    The same add form (`token`) submitted twice returns the first notice and sends nothing
    more; the unique token column backs this when both submissions arrive at once.
    """
    if token is not None:
        existing = SupporterNotice.objects.filter(token=token).first()
        if existing is not None:
            return existing
    notice_check(
        subject=subject, body=body, municipality=municipality, district=district, status=status
    )
    recipients = list(
        selectors.notice_recipients(municipality=municipality, district=district, status=status)
    )
    try:
        with transaction.atomic():
            notice = SupporterNotice(
                subject=subject,
                body=body,
                municipality=municipality,
                district=district,
                status_filter=status,
                created_by=actor,
                token=token,
            )
            audit(notice, "supporters.notice.created", actor).save()
            NoticeRecipient.objects.bulk_create(
                NoticeRecipient(notice=notice, supporter=s, email=s.email) for s in recipients
            )
            from ..tasks import notice_send_task

            notice_send_task.delay_on_commit(notice.pk)
    except IntegrityError:
        # The same form submitted twice at once: the other submission's notice stands.
        existing = SupporterNotice.objects.filter(token=token).first() if token else None
        if existing is None:
            raise
        return existing
    return notice


def notice_send(*, notice: SupporterNotice) -> int:
    """Send a notice to its recorded recipients; safe to run again (each address once)."""
    sent = 0
    for recipient in (
        notice.recipients.filter(sent_at__isnull=True).exclude(email="").order_by("pk")
    ):
        notify(
            purpose="supporters.notice",
            target=notice,
            period="notice",
            recipient=recipient.email,
            subject=notice.subject,
            template_name="supporters/email/notice.txt",
            context={"notice": notice},
        )
        recipient.sent_at = timezone.now()
        recipient.save(update_fields=["sent_at"])
        sent += 1
    if notice.sent_at is None:
        notice.sent_at = timezone.now()
        audit(notice, "supporters.notice.sent")
        notice.save(update_fields=["sent_at"])
    return sent
