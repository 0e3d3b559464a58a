"""Daily reminders. Those to the secretariat are one digest per person and run
(core.digest.notify_digest: each item still once per purpose, object, period and recipient);
those to member organisations go one by one (core.notifications.notify). They only remind;
nothing here changes the register."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

from core.digest import notify_digest
from core.japanese import format_wareki
from core.notifications import notify, secretariat_emails

from ..models import AgendaItem, Application, Meeting, Organisation, Prospect, Vote
from ..selectors import general_members_nearing_no_contact


def no_contact_reminders_send(*, today) -> int:
    """Remind the secretariat, once per organisation and contact baseline, of 一般団体 nearing
    the no-contact period. Never changes a membership. Returns how many e-mails were sent."""
    organisations = list(general_members_nearing_no_contact(today=today))
    if not organisations:
        return 0
    if len(organisations) == 1:
        [organisation] = organisations
        subject = _("[%(platform)s] No contact with %(name)s since %(date)s") % {
            "platform": settings.PLATFORM_NAME,
            "name": organisation.name,
            "date": format_wareki(organisation.contact_baseline),
        }
    else:
        subject = _("[%(platform)s] %(count)d member organisations without contact") % {
            "platform": settings.PLATFORM_NAME,
            "count": len(organisations),
        }
    return _digest_to_secretariat(
        purpose="members.no_contact_reminder",
        items=[(o, f"due-{o.due_on.isoformat()}") for o in organisations],
        subject=subject,
        template_name="members/email/no_contact_digest.txt",
    )


def _digest_to_secretariat(*, purpose, items, subject, template_name) -> int:
    """One mail per secretariat member listing the items not yet sent to them. Returns how many
    mails were sent."""
    return sum(
        1
        for recipient in secretariat_emails()
        if notify_digest(
            purpose=purpose,
            items=items,
            recipient=recipient,
            subject=subject,
            template_name=template_name,
            context={},
        )
    )


def written_resolution_reminders_send(*, today) -> int:
    """Remind 幹事団体 that have not yet replied on every item of a written resolution, from
    `reminder_days` before its reply date up to that date; once per meeting and recipient."""
    sent = 0
    meetings = Meeting.objects.filter(
        kind=Meeting.Kind.WRITTEN,
        notice_sent_at__isnull=False,
        reply_by__gte=today,
    ).order_by("pk")
    for meeting in meetings:
        if today < meeting.reply_by - datetime.timedelta(days=meeting.reminder_days):
            continue
        pending = list(meeting.items.filter(outcome=AgendaItem.Outcome.PENDING))
        if not pending:
            continue
        replied_all = set(
            Vote.objects.filter(item__in=pending)
            .values("organisation_id")
            .annotate(n=models.Count("pk"))
            .filter(n=len(pending))
            .values_list("organisation_id", flat=True)
        )
        roster = Organisation.objects.filter(attendances__meeting=meeting).order_by("pk")
        for organisation in roster:
            if organisation.pk in replied_all or not organisation.email:
                continue
            sent += notify(
                purpose="members.written_resolution_reminder",
                target=meeting,
                period=f"reply-by-{meeting.reply_by.isoformat()}",
                recipient=organisation.email,
                subject=_("[%(platform)s] Reply requested by %(date)s: %(title)s")
                % {
                    "platform": settings.PLATFORM_NAME,
                    "date": format_wareki(meeting.reply_by),
                    "title": meeting.title,
                },
                template_name="members/email/written_resolution_reminder.txt",
                context={"meeting": meeting, "items": pending, "organisation": organisation},
            )
    return sent


def prospect_next_step_reminders_send(*, today) -> int:
    """Remind the secretariat of each prospect whose next step is due (on or before `today`),
    once per prospect and next-step date; a new date means a new reminder."""
    due = list(
        Prospect.objects.filter(
            status__in=[Prospect.Status.INVITED, Prospect.Status.TRYING],
            next_step_on__isnull=False,
            next_step_on__lte=today,
        ).order_by("next_step_on", "pk")
    )
    if not due:
        return 0
    if len(due) == 1:
        subject = _("[%(platform)s] Next step for %(name)s (%(date)s)") % {
            "platform": settings.PLATFORM_NAME,
            "name": due[0].name,
            "date": format_wareki(due[0].next_step_on),
        }
    else:
        subject = _("[%(platform)s] Next steps due for %(count)d prospects") % {
            "platform": settings.PLATFORM_NAME,
            "count": len(due),
        }
    return _digest_to_secretariat(
        purpose="members.prospect_next_step",
        items=[(p, f"next-step-{p.next_step_on.isoformat()}") for p in due],
        subject=subject,
        template_name="members/email/prospect_next_step_digest.txt",
    )


def applications_waiting_remind(*, today) -> int:
    """Remind the secretariat once a day of the applications still waiting for review: one mail
    per person listing them all (112 spam applications and 4 staff make 4 mails, not 448)."""
    waiting = list(Application.objects.filter(status=Application.Status.SUBMITTED).order_by("pk"))
    if not waiting:
        return 0
    if len(waiting) == 1:
        subject = _("[%(platform)s] Application %(reference)s is waiting for review") % {
            "platform": settings.PLATFORM_NAME,
            "reference": waiting[0].reference,
        }
    else:
        subject = _("[%(platform)s] %(count)d applications are waiting for review") % {
            "platform": settings.PLATFORM_NAME,
            "count": len(waiting),
        }
    return _digest_to_secretariat(
        purpose="members.application_waiting",
        items=[(application, today.isoformat()) for application in waiting],
        subject=subject,
        template_name="members/email/applications_waiting_digest.txt",
    )
