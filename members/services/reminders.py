"""Daily reminders (each through core.notifications.notify, once per purpose, object, period
and recipient). They only remind; nothing here changes the register."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _

from core import roles
from core.japanese import format_date
from core.notifications import notify

from ..models import AgendaItem, Application, Meeting, Organisation, Prospect, Vote
from ..selectors import general_members_nearing_no_contact


def _secretariat_recipients() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=roles.SECRETARIAT, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )


def no_contact_reminders_send(*, today) -> int:
    """Remind the secretariat, once per organisation and contact baseline, of 一般団体 nearing
    the no-contact period. Never changes a membership. Returns how many e-mails were sent."""
    sent = 0
    recipients = _secretariat_recipients()
    for organisation in general_members_nearing_no_contact(today=today):
        for recipient in recipients:
            sent += notify(
                purpose="members.no_contact_reminder",
                target=organisation,
                period=f"due-{organisation.due_on.isoformat()}",
                recipient=recipient,
                subject=_("[%(platform)s] No contact with %(name)s since %(date)s")
                % {
                    "platform": settings.PLATFORM_NAME,
                    "name": organisation.name,
                    "date": format_date(organisation.contact_baseline),
                },
                template_name="members/email/no_contact_reminder.txt",
                context={"due_on": organisation.due_on},
            )
    return sent


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
                    "date": format_date(meeting.reply_by),
                    "title": meeting.title,
                },
                template_name="members/email/written_resolution_reminder.txt",
                context={"meeting": meeting, "items": pending, "organisation": organisation},
            )
    return sent


def prospect_next_step_reminders_send(*, today) -> int:
    """Remind the secretariat of each prospect whose next step is due (on or before `today`),
    once per prospect and next-step date; a new date means a new reminder."""
    sent = 0
    recipients = _secretariat_recipients()
    due = Prospect.objects.filter(
        status__in=[Prospect.Status.INVITED, Prospect.Status.TRYING],
        next_step_on__isnull=False,
        next_step_on__lte=today,
    ).order_by("next_step_on", "pk")
    for prospect in due:
        for recipient in recipients:
            sent += notify(
                purpose="members.prospect_next_step",
                target=prospect,
                period=f"next-step-{prospect.next_step_on.isoformat()}",
                recipient=recipient,
                subject=_("[%(platform)s] Next step for %(name)s (%(date)s)")
                % {
                    "platform": settings.PLATFORM_NAME,
                    "name": prospect.name,
                    "date": format_date(prospect.next_step_on),
                },
                template_name="members/email/prospect_next_step.txt",
                context={"prospect": prospect},
            )
    return sent


def applications_waiting_remind(*, today) -> int:
    """Remind the secretariat once a day of each application still waiting for review."""
    sent = 0
    recipients = _secretariat_recipients()
    waiting = Application.objects.filter(status=Application.Status.SUBMITTED).order_by("pk")
    for application in waiting:
        for recipient in recipients:
            sent += notify(
                purpose="members.application_waiting",
                target=application,
                period=today.isoformat(),
                recipient=recipient,
                subject=_("[%(platform)s] Application %(reference)s is waiting for review")
                % {"platform": settings.PLATFORM_NAME, "reference": application.reference},
                template_name="members/email/application_waiting.txt",
                context={"application": application},
            )
    return sent
