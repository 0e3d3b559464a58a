"""Reads for the council workspace (always through Case.objects.visible_to) and the one
aggregate the rest of the platform may use (`case_aggregates`)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .access import active_memberships
from .models import (
    AccessLog,
    Approval,
    Case,
    CaseAssignment,
    CouncilMember,
    Flag,
    FollowUp,
    Route,
    SupporterConcern,
    Transfer,
)

SUPPRESSED = "5未満"
INTAKE_QUEUE_LIMIT = 100
THRESHOLD = 5


def case_list(user, *, status="", mine=False):
    """Cases the user may see, with what the list shows, in a constant number of queries."""
    cases = Case.objects.visible_to(user).select_related("municipality")
    if status:
        cases = cases.filter(status=status)
    if mine:
        agencies = active_memberships(user).values("agency_id")
        cases = cases.filter(
            Exists(
                CaseAssignment.objects.filter(
                    case=OuterRef("pk"), ended_at__isnull=True, agency_id__in=agencies
                )
            )
            | Q(participants__user=user)
        ).distinct()
    return (
        cases.prefetch_related("categories")
        # A correlated subquery, not a JOIN + GROUP BY: evaluated for the shown page only.
        .annotate(
            open_flags=Coalesce(
                Subquery(
                    Flag.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True)
                    .values("case")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        )
        .order_by("-received_on", "-pk")
    )


def intake_councils(user):
    return active_memberships(user).filter(role=CouncilMember.Role.INTAKE).values("council_id")


def intake_queue(user):
    """New concerns, incoming transfers and cases still at intake, for the user's intake."""
    councils = intake_councils(user)
    return {
        "concerns": SupporterConcern.objects.filter(
            council_id__in=councils, status=SupporterConcern.Status.NEW
        ).select_related("municipality"),
        "transfers": Transfer.objects.filter(
            to_council_id__in=councils, status=Transfer.Status.PENDING
        ).select_related("from_council", "case"),
        # The oldest first, bounded: the full list is the case list filtered by status.
        "cases": case_list(user, status=Case.Status.INTAKE)
        .filter(council_id__in=councils)
        .order_by("received_on", "pk")[:INTAKE_QUEUE_LIMIT],
    }


def follow_ups_due(user, *, today=None):
    today = today or timezone.localdate()
    return (
        FollowUp.objects.filter(
            case__in=Case.objects.visible_to(user).open(), done_on__isnull=True, due_on__lte=today
        )
        .select_related("case")
        .annotate(overdue=Q(due_on__lt=today))
    )


def pending_approvals(user):
    councils = (
        active_memberships(user).filter(role=CouncilMember.Role.SUPERVISOR).values("council_id")
    )
    return (
        Approval.objects.filter(case__council_id__in=councils, outcome=Approval.Outcome.PENDING)
        .filter(case__in=Case.objects.visible_to(user))
        .select_related("case", "plan", "requested_by")
    )


def supervised_councils(user):
    return active_memberships(user).filter(role=CouncilMember.Role.SUPERVISOR).values("council_id")


def access_log_for(user):
    return AccessLog.objects.filter(council_id__in=supervised_councils(user)).select_related("user")


def access_counts():
    """For auditors: counts per user and action, without case ids."""
    return (
        AccessLog.objects.values("user__email", "action")
        .annotate(count=Count("pk"))
        .order_by("user__email", "action")
    )


def _average_days(pairs):
    days = [(end - start).days for start, end in pairs if end]
    return round(sum(days) / len(days), 1) if days else None


def caseload(user, *, today=None):
    """Per agency and per worker of the user's councils: open cases, follow-ups due and overdue,
    approvals pending, average days intake→plan and intake→closure. Only over cases the user
    may see (a case worker sees their own agency's figures)."""
    today = today or timezone.localdate()
    visible = Case.objects.visible_to(user)
    rows = list(
        CaseAssignment.objects.filter(ended_at__isnull=True, case__in=visible)
        .values("agency_id", "agency__organisation__name")
        .annotate(
            open_cases=Count("case", filter=~Q(case__status=Case.Status.CLOSED), distinct=True),
            follow_ups_due=Count(
                "case__follow_ups",
                filter=Q(case__follow_ups__done_on__isnull=True, case__follow_ups__due_on=today),
                distinct=True,
            ),
            follow_ups_overdue=Count(
                "case__follow_ups",
                filter=Q(
                    case__follow_ups__done_on__isnull=True, case__follow_ups__due_on__lt=today
                ),
                distinct=True,
            ),
            approvals_pending=Count(
                "case__approvals", filter=Q(case__approvals__outcome="pending"), distinct=True
            ),
        )
        .order_by("agency__organisation__name")
    )
    dates: dict[int, list] = {}
    for agency_id, received, planned, closed in CaseAssignment.objects.filter(
        ended_at__isnull=True, case__in=visible
    ).values_list("agency_id", "case__received_on", "case__plan_approved_on", "case__closed_on"):
        dates.setdefault(agency_id, []).append((received, planned, closed))
    for row in rows:
        cases = dates.get(row["agency_id"], [])
        row["days_to_plan"] = _average_days((r, p) for r, p, _c in cases)
        row["days_to_closure"] = _average_days((r, c) for r, _p, c in cases)
    by_agency = {row["agency_id"]: row for row in rows}
    councils = active_memberships(user).values("council_id")
    workers = (
        CouncilMember.objects.filter(council_id__in=councils, ended_on__isnull=True)
        .filter(agency_id__in=list(by_agency))
        .select_related("user", "agency__organisation")
        .order_by("agency__organisation__name", "user__username")
    )
    requested = dict(
        Approval.objects.filter(outcome=Approval.Outcome.PENDING, case__in=visible)
        .values_list("requested_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    people = [
        {
            "name": member.user.get_full_name() or member.user.get_username(),
            "role": member.get_role_display(),
            "agency": member.agency.organisation.name,
            "open_cases": by_agency[member.agency_id]["open_cases"],
            "follow_ups_due": by_agency[member.agency_id]["follow_ups_due"],
            "follow_ups_overdue": by_agency[member.agency_id]["follow_ups_overdue"],
            "my_requests_pending": requested.get(member.user_id, 0),
        }
        for member in workers
    ]
    everything = visible.values_list("received_on", "plan_approved_on", "closed_on")
    return {
        "agencies": rows,
        "workers": people,
        "days_to_plan": _average_days((r, p) for r, p, _c in everything),
        "days_to_closure": _average_days((r, c) for r, _p, c in everything),
    }


# --- Aggregates for the rest of the platform ------------------------------------------------


def suppress(cells: dict, total: int | None = None):
    """Small-cell suppression of one partition: counts 1–4 become 「5未満」. If exactly one cell
    is suppressed, the total would give it away, so the total is suppressed too (and a total
    below 5 is suppressed in any case). Returns (cells, total, total_suppressed)."""
    shown = {k: (SUPPRESSED if 0 < v < THRESHOLD else v) for k, v in cells.items()}
    suppressed_cells = sum(1 for v in shown.values() if v == SUPPRESSED)
    total_suppressed = total is not None and (suppressed_cells == 1 or 0 < total < THRESHOLD)
    return shown, total_suppressed


def _measure(cases, date_field, start, end):
    chosen = cases.filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
    total = chosen.count()
    by_municipality = dict(
        chosen.values_list("municipality__name").annotate(n=Count("pk")).order_by()
    )
    by_route = dict(chosen.values_list("route").annotate(n=Count("pk")).order_by())
    by_category = dict(
        Case.categories.through.objects.filter(case__in=chosen)
        .values_list("category__name")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    municipalities, m_hides_total = suppress(by_municipality, total)
    route_labels = dict(Route.choices)
    routes, r_hides_total = suppress(
        {str(route_labels.get(k, k)): v for k, v in by_route.items()}, total
    )
    # A case may have several categories: no category total is shown, so none to protect.
    categories, _unused = suppress(by_category)
    hide_total = m_hides_total or r_hides_total
    return {
        "total": SUPPRESSED if hide_total else total,
        "by_municipality": municipalities,
        "by_route": routes,
        "by_category": categories,
    }


def case_aggregates(*, year: int, month: int, council=None) -> dict:
    """Cases opened and closed in a month, by municipality, route and category, with small-cell
    suppression. With case_aggregates_between, the only case information any non-council page,
    report or task may use."""
    start = datetime.date(year, month, 1)
    end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return case_aggregates_between(
        start=start, end=end - datetime.timedelta(days=1), council=council
    )


def case_aggregates_between(*, start: datetime.date, end: datetime.date, council=None) -> dict:
    """Cases opened and closed from `start` to `end` inclusive (any range: a fiscal year to
    date), counted over the whole range and then suppressed like a month: never a sum of
    suppressed months, which could reveal a small cell."""
    cases = Case.objects.all()
    if council is not None:
        cases = cases.filter(council=council)
    after_end = end + datetime.timedelta(days=1)
    return {
        "opened": _measure(cases, "received_on", start, after_end),
        "closed": _measure(cases, "closed_on", start, after_end),
    }


def case_examples_approved_between(start: datetime.date, end: datetime.date) -> list[dict]:
    """Approved anonymised 事例 (title and text only) approved from `start` to `end` inclusive,
    for the monthly report. Never the case they came from."""
    from .models import CaseExample

    return list(
        CaseExample.objects.filter(
            status=CaseExample.Status.APPROVED,
            approved_at__date__gte=start,
            approved_at__date__lte=end,
        )
        .order_by("approved_at", "pk")
        .values("title", "body")
    )
