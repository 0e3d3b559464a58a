"""Reads of the member register, meetings and the public directory."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.japanese import fold
from core.periods import period_passed_from

from .models import (
    AgendaItem,
    Application,
    Attendance,
    Meeting,
    Membership,
    Organisation,
    OrganisationType,
    RuleSet,
    Vote,
)


def rule_set_in_force(*, on: datetime.date) -> RuleSet:
    rule_set = RuleSet.objects.in_force_on(on)
    if rule_set is None:
        raise ValidationError(_("No rule set is in force on %(date)s.") % {"date": on.isoformat()})
    return rule_set


def readmission_allowed_from(*, organisation: Organisation, on: datetime.date):
    """The first day an expelled organisation may be admitted again, if that is after `on`.

    要領第5条2: no re-admission for N years from losing membership by expulsion; N comes from
    the rule set in force on the day of the decision. Returns None when nothing bars admission.
    """
    last_expulsion = organisation.memberships.filter(
        end_reason=Membership.EndReason.EXPELLED
    ).aggregate(last=Max("ended_on"))["last"]
    if last_expulsion is None:
        return None
    rules = rule_set_in_force(on=on)
    allowed_from = period_passed_from(last_expulsion, rules.readmission_bar_years)
    return allowed_from if on < allowed_from else None


def organisation_list_for_admin():
    return Organisation.objects.select_related("municipality")


def membership_list_for_admin():
    return Membership.objects.select_related("organisation", "started_by_item", "ended_by_item")


def application_list_for_admin():
    return Application.objects.select_related("organisation", "municipality", "decided_by")


def meeting_list_for_admin():
    return Meeting.objects.select_related("rule_set", "chair")


def membership_history_for_export():
    """Every membership, current and ended, for auditors: one query whatever its size."""
    return Membership.objects.select_related("organisation", "organisation__municipality").order_by(
        "organisation__name_kana", "organisation__name", "started_on"
    )


def register_for_export():
    """The register (active members) for auditors: one query whatever its size."""
    return (
        Membership.objects.active()
        .select_related("organisation", "organisation__municipality")
        .order_by("organisation__name_kana", "organisation__name")
    )


def directory_list(*, query: str = "", municipality_id=None, field_id=None, tier: str = ""):
    """Active members for the public directory, filtered; folded search over name, kana, offer."""
    active = Membership.objects.active().filter(organisation=OuterRef("pk"))
    organisations = (
        Organisation.objects.filter(Exists(active))
        .select_related("municipality")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.active(),
                to_attr="active_memberships",
            ),
            "active_municipalities",
            "activity_fields",
        )
        .order_by("name_kana", "name")
    )
    folded = fold(query)
    if folded:
        for word in folded.split():
            if len(word) == 2:  # no trigram in it: its own index of two-character runs
                organisations = organisations.filter(search_bigrams__contains=f" {word} ")
            else:
                organisations = organisations.filter(search_text__contains=word)
    if municipality_id:
        organisations = organisations.filter(
            Q(municipality_id=municipality_id) | Q(active_municipalities__id=municipality_id)
        ).distinct()
    if field_id:
        organisations = organisations.filter(activity_fields__id=field_id).distinct()
    if tier:
        organisations = organisations.filter(Exists(active.filter(tier=tier)))
    return organisations


def organisation_is_active_member(organisation: Organisation) -> bool:
    return organisation.memberships.active().exists()


def notice_change_rows(notice) -> list[dict]:
    """A change notice as rows of (field label, value before, value after). "Before" is the
    organisation's entry as it was when the notice was submitted (from its history)."""
    if notice.kind != notice.Kind.CHANGE:
        return []
    before = (
        notice.organisation.history.filter(history_date__lte=notice.submitted_at)
        .order_by("-history_date")
        .first()
    ) or notice.organisation
    rows = []
    for name, after in notice.changes.items():
        field_object = Organisation._meta.get_field(name)
        rows.append(
            {
                "label": field_object.verbose_name,
                "before": getattr(before, name, ""),
                "after": after,
            }
        )
    return rows


def meeting_for_minutes(meeting_id: int) -> Meeting:
    return (
        Meeting.objects.select_related("rule_set", "chair")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("organisation", "proxy_holder"),
            ),
            Prefetch(
                "items",
                queryset=AgendaItem.objects.select_related("subject").prefetch_related(
                    Prefetch("votes", queryset=Vote.objects.select_related("organisation"))
                ),
            ),
        )
        .get(pk=meeting_id)
    )


# --- Contact tracking ------------------------------------------------------------------------


def general_members_nearing_no_contact(*, today: datetime.date):
    """Active 一般団体 whose last contact (or joining, if none) is within the warning window of
    the no-contact ground (規約第6条(1)). Each row carries `contact_baseline` and `due_on`."""
    rules = rule_set_in_force(on=today)
    memberships = (
        Membership.objects.active()
        .general()
        .select_related("organisation")
        .order_by("organisation__name_kana", "pk")
    )
    result = []
    for membership in memberships:
        organisation = membership.organisation
        baseline = max(
            d for d in (organisation.last_contact_on, membership.started_on) if d is not None
        )
        due_on = period_passed_from(baseline, rules.no_contact_years)
        if today >= due_on - datetime.timedelta(days=rules.no_contact_warning_days):
            organisation.contact_baseline = baseline
            organisation.due_on = due_on
            result.append(organisation)
    return result


# --- Figures for the monthly and fiscal-year reports (read by reports) -----------------------


def tier_labels() -> dict:
    return dict(Membership.Tier.choices)


def organisation_type_labels() -> dict:
    return dict(OrganisationType.choices)


def membership_changes_between(start: datetime.date, end: datetime.date) -> dict:
    """Register changes dated from `start` to `end` (both included), in three queries.

    A tier change ends one membership and starts the next on the same day (members.services
    .decisions): it is a tier change, not a new member. Re-admission after leaving is new."""
    tier_change = Membership.objects.filter(
        organisation=OuterRef("organisation"),
        ended_on=OuterRef("started_on"),
        end_reason=Membership.EndReason.TIER_CHANGED,
    )
    new = (
        Membership.objects.filter(started_on__gte=start, started_on__lte=end)
        .exclude(Exists(tier_change))
        .count()
    )
    ended = Membership.objects.filter(ended_on__gte=start, ended_on__lte=end).aggregate(
        **{
            reason: Count("pk", filter=Q(end_reason=reason))
            for reason in Membership.EndReason.values
        }
    )
    return {"new": new, **ended}


def membership_changes_list_between(start: datetime.date, end: datetime.date):
    """Memberships that started or ended from `start` to `end`, for auditors (organisation
    names only, no contact persons)."""
    return (
        Membership.objects.filter(
            Q(started_on__gte=start, started_on__lte=end)
            | Q(ended_on__gte=start, ended_on__lte=end)
        )
        .select_related("organisation")
        .order_by("organisation__name_kana", "organisation__name", "started_on", "pk")
    )


def memberships_on(day: datetime.date):
    """Memberships in force at the end of `day` (one that ended that day no longer counts)."""
    return Membership.objects.filter(started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


def member_counts_on(day: datetime.date) -> dict:
    """Members at the end of `day` by tier, organisation type and municipality (three queries)."""
    members = memberships_on(day)
    by_tier = dict(members.values_list("tier").annotate(n=Count("pk")).order_by())
    return {
        "total": sum(by_tier.values()),
        "by_tier": by_tier,
        "by_type": dict(
            members.values_list("organisation__organisation_type")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "by_municipality": dict(
            members.values_list("organisation__municipality__name")
            .annotate(n=Count("pk"))
            .order_by()
        ),
    }


def applications_waiting_on(day: datetime.date) -> dict:
    """Applications submitted by the end of `day` and not yet decided then: how many, and how
    long they had waited (days, the longest and the mean)."""
    next_midnight = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )
    submitted = Application.objects.filter(submitted_at__lt=next_midnight).filter(
        Q(status=Application.Status.SUBMITTED) | Q(decided_on__gt=day)
    )
    waits = [
        (day - timezone.localtime(at).date()).days
        for at in submitted.values_list("submitted_at", flat=True)
    ]
    return {
        "count": len(waits),
        "longest_days": max(waits, default=None),
        "average_days": round(sum(waits) / len(waits), 1) if waits else None,
    }
