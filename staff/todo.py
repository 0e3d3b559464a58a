"""What needs doing today, per person: the lines of the staff's to-do home.

Each check names the permission that lets a person act on it (a coordinator or an auditor, who
may only read, sees none of the lines a secretariat member sees), counts with one cheap query on
indexed or small tables (never a whole-table aggregate of a large one), and links to the admin
list filtered to exactly what it counted where the admin can filter that way.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.japanese import format_date
from core.models import Notification
from foodhub.models import Site, Transfer
from foodhub.selectors import near_expiry_lots
from members.models import AgendaItem, Application, Meeting, MemberNotice, Prospect
from supporters.models import Attendance, TrainingSession

# A notification still pending this long after it was recorded did not go out: notify() commits
# the row before sending, and a send that raises leaves it pending (a later run of the same
# reminder and period sends it). Older than a week it is history, not today's work.
FAILED_AFTER = datetime.timedelta(minutes=30)
FAILED_WITHIN = datetime.timedelta(days=7)


@dataclass(frozen=True)
class TodoLine:
    key: str
    label: str
    count: int
    detail: str
    url: str


def _changelist(name: str, **filters) -> str:
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _moment(value: datetime.datetime) -> str:
    # With its offset: a naive time in a filter would be read in the server's zone, with a warning.
    return timezone.localtime(value).isoformat(timespec="seconds")


def _waited(oldest, today) -> str:
    days = (today - timezone.localtime(oldest).date()).days
    if days <= 0:
        return _("the oldest arrived today")
    return ngettext(
        "the oldest has waited %(days)d day", "the oldest has waited %(days)d days", days
    ) % {"days": days}


def _applications(user, today, now):
    row = Application.objects.filter(status=Application.Status.SUBMITTED).aggregate(
        n=Count("pk"), oldest=Min("submitted_at")
    )
    if not row["n"]:
        return None
    return TodoLine(
        "applications",
        _("Applications waiting for review"),
        row["n"],
        _waited(row["oldest"], today),
        _changelist("members_application", status__exact=Application.Status.SUBMITTED),
    )


def _member_notices(user, today, now):
    row = MemberNotice.objects.filter(status=MemberNotice.Status.PENDING).aggregate(
        n=Count("pk"), oldest=Min("submitted_at")
    )
    if not row["n"]:
        return None
    return TodoLine(
        "member_notices",
        _("Change and withdrawal notices waiting for a decision"),
        row["n"],
        _waited(row["oldest"], today),
        _changelist("members_membernotice", status__exact=MemberNotice.Status.PENDING),
    )


def _written_resolutions(user, today, now):
    row = Meeting.objects.filter(
        kind=Meeting.Kind.WRITTEN,
        notice_sent_at__isnull=False,
        reply_by__gte=today,
        items__outcome=AgendaItem.Outcome.PENDING,
    ).aggregate(n=Count("pk", distinct=True), first=Min("reply_by"))
    if not row["n"]:
        return None
    return TodoLine(
        "written_resolutions",
        _("Written resolutions awaiting replies"),
        row["n"],
        _("the first reply date is %(date)s") % {"date": format_date(row["first"])},
        _changelist(
            "members_meeting", kind__exact=Meeting.Kind.WRITTEN, reply_by__gte=today.isoformat()
        ),
    )


def _trainings_without_attendance(user, today, now):
    row = TrainingSession.objects.filter(
        status=TrainingSession.Status.SCHEDULED, ends_at__lt=now
    ).aggregate(n=Count("pk"), oldest=Min("ends_at"))
    if not row["n"]:
        return None
    return TodoLine(
        "trainings_without_attendance",
        _("Trainings held without attendance recorded"),
        row["n"],
        _("the earliest was held on %(date)s")
        % {"date": format_date(timezone.localtime(row["oldest"]).date())},
        _changelist(
            "supporters_trainingsession",
            status__exact=TrainingSession.Status.SCHEDULED,
            ends_at__lt=_moment(now),
        ),
    )


def _certificates_not_issued(user, today, now):
    row = Attendance.objects.filter(certificate__isnull=True).aggregate(
        n=Count("pk"), sessions=Count("session", distinct=True)
    )
    if not row["n"]:
        return None
    return TodoLine(
        "certificates_not_issued",
        _("Attendees without a certificate"),
        row["n"],
        ngettext("in %(n)d training", "in %(n)d trainings", row["sessions"])
        % {"n": row["sessions"]},
        _changelist("supporters_attendance", certificate__isnull="True"),
    )


def _transfers_in_transit(user, today, now):
    # A hub operator acts on what arrives at their sites; the secretariat on every transfer.
    row = (
        Transfer.objects.filter(
            status=Transfer.Status.IN_TRANSIT, to_site__in=Site.objects.operable_by(user)
        )
        .order_by()
        .aggregate(n=Count("pk"), oldest=Min("sent_on"))
    )
    if not row["n"]:
        return None
    return TodoLine(
        "transfers_in_transit",
        _("Transfers in transit, not yet received"),
        row["n"],
        _("the oldest was sent on %(date)s") % {"date": format_date(row["oldest"])},
        _changelist("foodhub_transfer", status__exact=Transfer.Status.IN_TRANSIT),
    )


def _lots_near_expiry(user, today, now):
    lots = near_expiry_lots(user, today=today, sites=Site.objects.operable_by(user)).order_by()
    row = lots.aggregate(n=Count("pk"), first=Min("expiry_date"))
    if not row["n"]:
        return None
    return TodoLine(
        "lots_near_expiry",
        _("Lots near or past their date"),
        row["n"],
        _("the first date is %(date)s") % {"date": format_date(row["first"])},
        reverse("foodhub:dashboard"),
    )


def _prospects_due(user, today, now):
    open_statuses = [Prospect.Status.INVITED, Prospect.Status.TRYING]
    row = Prospect.objects.filter(
        status__in=open_statuses, next_step_on__isnull=False, next_step_on__lte=today
    ).aggregate(n=Count("pk"), first=Min("next_step_on"))
    if not row["n"]:
        return None
    return TodoLine(
        "prospects_due",
        _("Prospects whose next step is due"),
        row["n"],
        _("the earliest was due on %(date)s") % {"date": format_date(row["first"])},
        _changelist(
            "members_prospect",
            status__in=",".join(open_statuses),
            next_step_on__lte=today.isoformat(),
        ),
    )


def _failed_notifications(user, today, now):
    before = now - FAILED_AFTER
    since = now - FAILED_WITHIN
    row = Notification.objects.filter(
        status=Notification.Status.PENDING, created_at__lt=before, created_at__gte=since
    ).aggregate(n=Count("pk"), oldest=Min("created_at"))
    if not row["n"]:
        return None
    return TodoLine(
        "failed_notifications",
        _("E-mails that could not be sent"),
        row["n"],
        _("the oldest is from %(date)s")
        % {"date": format_date(timezone.localtime(row["oldest"]).date())},
        _changelist(
            "core_notification",
            status__exact=Notification.Status.PENDING,
            created_at__lt=_moment(before),
            created_at__gte=_moment(since),
        ),
    )


# (permission to act on it, check) in the order the lines appear.
CHECKS = [
    ("members.change_application", _applications),
    ("members.change_membernotice", _member_notices),
    ("members.change_meeting", _written_resolutions),
    ("members.change_prospect", _prospects_due),
    ("supporters.change_trainingsession", _trainings_without_attendance),
    ("supporters.add_certificate", _certificates_not_issued),
    ("foodhub.change_transfer", _transfers_in_transit),
    ("foodhub.add_disposal", _lots_near_expiry),
    ("core.view_notification", _failed_notifications),
]


def todo_for(user, *, now: datetime.datetime | None = None) -> list[TodoLine]:
    """The lines with something to do for this person, today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    lines = []
    for permission, check in CHECKS:
        if user.has_perm(permission):
            line = check(user, today, now)
            if line is not None:
                lines.append(line)
    return lines
