"""Council e-mails, all through core.notifications.notify. They carry a link and a case
reference only: never a name, a category or any case text."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify

from .models import Approval, BreakGlass, Case, Council, CouncilMember, FollowUp, SupporterConcern


def _link(name, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _members_in_force(council_id, role):
    from .access import active_memberships as in_force

    members = CouncilMember.objects.filter(council_id=council_id, role=role).select_related("user")
    return [m for m in members if in_force(m.user).filter(pk=m.pk).exists()]


def notify_supervisors_of_approval(approval: Approval) -> int:
    sent = 0
    for member in _members_in_force(approval.case.council_id, CouncilMember.Role.SUPERVISOR):
        if member.user_id == approval.requested_by_id:
            continue
        sent += notify(
            purpose=f"council.approval_requested.{approval.pk}",
            target=approval.case,
            period=timezone.localdate().isoformat(),
            recipient=member.user.email,
            subject=_("[Council] An approval is waiting"),
            template_name="council/email/reference_and_link.txt",
            context={
                "message": _("A request for your approval is waiting."),
                "reference": approval.case.reference,
                "link": _link("council:approvals"),
            },
        )
    return sent


def notify_supervisors_of_break_glass(grant: BreakGlass) -> int:
    sent = 0
    for member in _members_in_force(grant.case.council_id, CouncilMember.Role.SUPERVISOR):
        sent += notify(
            purpose=f"council.break_glass.{grant.pk}",
            target=grant.case,
            period=grant.started_at.isoformat(),
            recipient=member.user.email,
            subject=_("[Council] Emergency access to a case"),
            template_name="council/email/reference_and_link.txt",
            context={
                "message": _("A council member opened a case by emergency access."),
                "reference": grant.case.reference,
                "link": _link("council:access-log"),
            },
        )
    return sent


def notify_unusual_reading(*, user_id, council_id, day) -> int:
    council = Council.objects.get(pk=council_id)
    sent = 0
    for member in _members_in_force(council_id, CouncilMember.Role.SUPERVISOR):
        sent += notify(
            purpose=f"council.unusual_reading.{user_id}",
            target=council,
            period=day.isoformat(),
            recipient=member.user.email,
            subject=_("[Council] A user read unusually many cases today"),
            template_name="council/email/reference_and_link.txt",
            context={
                "message": _("A user read unusually many cases today. Please check the log."),
                "reference": "",
                "link": _link("council:access-log"),
            },
        )
    return sent


def mail_concern_receipt(concern: SupporterConcern) -> bool:
    """The supporter gets the receipt number, and nothing more, ever."""
    return notify(
        purpose="council.concern_receipt",
        target=concern,
        period=concern.receipt_number,
        recipient=concern.supporter_email,
        subject=_("[%(platform)s] We have received your message (%(receipt)s)")
        % {"platform": settings.PLATFORM_NAME, "receipt": concern.receipt_number},
        template_name="council/email/concern_receipt.txt",
        context={"receipt": concern.receipt_number},
    )


def follow_up_reminders_send(*, today=None) -> int:
    """Each council's intake staff get one e-mail a day listing the references of follow-ups
    due today or overdue, with a link to the follow-up page."""
    today = today or timezone.localdate()
    due = (
        FollowUp.objects.filter(due_on__lte=today, done_on__isnull=True)
        .exclude(case__status=Case.Status.CLOSED)
        .values_list("case__council_id", "case__reference")
        .order_by("case__council_id", "case__reference")
    )
    by_council: dict[int, list[str]] = {}
    for council_id, reference in due:
        references = by_council.setdefault(council_id, [])
        if reference not in references:
            references.append(reference)
    sent = 0
    for council in Council.objects.filter(pk__in=by_council):
        for member in _members_in_force(council.pk, CouncilMember.Role.INTAKE):
            sent += notify(
                purpose="council.follow_ups_due",
                target=council,
                period=today.isoformat(),
                recipient=member.user.email,
                subject=_("[Council] Follow-ups due"),
                template_name="council/email/follow_ups_due.txt",
                context={"references": by_council[council.pk], "link": _link("council:follow-ups")},
            )
    return sent
