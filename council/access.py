"""Who may see which case, and the access log. The visibility rule lives here and only here.

Nothing is cached: each call builds one SQL query that re-checks, at that moment, that the user's
account is active, that they are a current member of the case's council with a secrecy pledge in
force, and what their role and agency give them. Superusers and platform roles get nothing by
being those roles.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.abuse import client_ip

logger = logging.getLogger(__name__)


def active_memberships(user, *, today=None):
    """The user's council memberships in force today: member, account active, agency still in
    the council, a pledge signed and not ended."""
    from .models import CouncilMember, SecrecyPledge

    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return CouncilMember.objects.none()
    today = today or timezone.localdate()
    in_force = Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    pledges = SecrecyPledge.objects.filter(member=OuterRef("pk"), signed_on__lte=today).filter(
        in_force
    )
    return (
        CouncilMember.objects.filter(user=user, user__is_active=True, started_on__lte=today)
        .filter(in_force)
        .filter(Q(agency__left_on__isnull=True) | Q(agency__left_on__gt=today))
        .filter(Exists(pledges))
    )


def visible_cases(queryset, user, *, now=None):
    from .models import BreakGlass, Case, CaseAssignment, CaseParticipant, CouncilMember

    now = now or timezone.now()
    members = active_memberships(user, today=timezone.localdate(now))
    if not user or not user.is_authenticated or user.is_superuser:
        return queryset.none()
    councils = members.values("council_id")
    intake_councils = members.filter(role=CouncilMember.Role.INTAKE).values("council_id")
    supervisor_councils = members.filter(role=CouncilMember.Role.SUPERVISOR).values("council_id")
    agencies = members.values("agency_id")

    assigned = CaseAssignment.objects.filter(
        case=OuterRef("pk"), ended_at__isnull=True, agency_id__in=agencies
    )
    participant = CaseParticipant.objects.filter(case=OuterRef("pk"), user=user)
    glass = BreakGlass.objects.filter(case=OuterRef("pk"), user=user, expires_at__gt=now)
    consented = Q(footing=Case.Footing.CONSENT)
    rule = (
        Q(council_id__in=intake_councils)
        | (consented & Q(council_id__in=supervisor_councils))
        | (consented & Exists(assigned))
        | Exists(participant)
        | Exists(glass)
    )
    # Every path also requires current membership of the case's own council.
    return queryset.filter(Q(council_id__in=councils) & rule)


def member_role(user, council_id=None) -> str:
    memberships = active_memberships(user)
    if council_id is not None:
        memberships = memberships.filter(council_id=council_id)
    roles = sorted(set(memberships.values_list("role", flat=True)))
    if roles:
        return ",".join(roles)
    if user is not None and user.is_authenticated:
        if user.is_superuser:
            return "superuser"
        return ",".join(user.groups.values_list("name", flat=True))[:20]
    return "anonymous"


def log_access(request, action, *, case=None, council_id=None, user=None):
    """Record one access (no case text: ids, action, page, address, time)."""
    from .models import AccessLog

    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if case is not None:
        council_id = case.council_id
    entry = AccessLog.objects.create(
        user=user,
        role=member_role(user, council_id)[:20] if user else "anonymous",
        council_id=council_id,
        case_id=case.pk if case is not None else None,
        action=action,
        path=request.path[:200] if request is not None else "",
        ip=(client_ip(request) or None) if request is not None else None,
    )
    if action == AccessLog.Action.VIEW and user is not None:
        _flag_unusual_reading(user, council_id)
    return entry


def _flag_unusual_reading(user, council_id):
    """A user opening unusually many distinct cases in a day is reported to the supervisors."""
    from .models import AccessLog

    limit = settings.COUNCIL_DAILY_CASE_READ_ALERT
    today = timezone.localdate()
    start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    read = (
        AccessLog.objects.filter(user=user, action=AccessLog.Action.VIEW, at__gte=start)
        .values("case_id")
        .distinct()
        .count()
    )
    if read >= limit and council_id is not None:
        from .notifications import notify_unusual_reading

        logger.warning("council: user %s read %s cases today", user.pk, read)
        transaction.on_commit(
            lambda: notify_unusual_reading(user_id=user.pk, council_id=council_id, day=today)
        )
