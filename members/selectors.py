"""Reads of the member register, meetings and the public directory."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
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
    RuleSet,
    Vote,
)
from .rules import at_least_fraction, minimum_needed


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


# --- Platform meeting ------------------------------------------------------------------------


@dataclass
class Quorum:
    roster: int
    present: int
    proxies: int
    emails: int
    needed: int
    met: bool
    present_ids: set = field(default_factory=set)  # in person or online
    proxy_ids: set = field(default_factory=set)  # valid written proxies
    email_ids: set = field(default_factory=set)  # e-mail votes on at least one item

    @property
    def text(self) -> str:
        return _(
            "Present %(present)s/%(roster)s (including %(proxies)s proxies and %(emails)s "
            "e-mail votes), quorum %(needed)s — %(result)s"
        ) % {
            "present": self.present,
            "roster": self.roster,
            "proxies": self.proxies,
            "emails": self.emails,
            "needed": self.needed,
            "result": _("quorate") if self.met else _("not quorate"),
        }


def meeting_quorum(meeting: Meeting) -> Quorum:
    """規約第11条: 2/3 of all 幹事団体 on the roster; proxies count as present (第11条2), and so do
    e-mail votes on at least one item (第12条4). A proxy counts only if its holder is present."""
    attendances = list(meeting.attendances.all())
    rules = meeting.rule_set
    present_ids = {a.organisation_id for a in attendances if a.mode in Attendance.PRESENT_MODES}
    proxy_ids = {
        a.organisation_id
        for a in attendances
        if a.mode == Attendance.Mode.PROXY and a.proxy_holder_id in present_ids
    }
    email_candidates = {a.organisation_id for a in attendances if a.mode == Attendance.Mode.EMAIL}
    email_ids = set(
        Vote.objects.filter(
            item__meeting=meeting,
            organisation_id__in=email_candidates,
            choice__in=[Vote.Choice.FOR, Vote.Choice.AGAINST],
        ).values_list("organisation_id", flat=True)
    )
    roster = len(attendances)
    present = len(present_ids) + len(proxy_ids) + len(email_ids)
    return Quorum(
        roster=roster,
        present=present,
        proxies=len(proxy_ids),
        emails=len(email_ids),
        needed=minimum_needed(roster, rules.quorum_numerator, rules.quorum_denominator),
        met=roster > 0
        and at_least_fraction(present, roster, rules.quorum_numerator, rules.quorum_denominator),
        present_ids=present_ids,
        proxy_ids=proxy_ids,
        email_ids=email_ids,
    )


@dataclass
class Tally:
    eligible: int
    yes: int
    needed: int
    passed: bool
    written: bool = False

    @property
    def text(self) -> str:
        result = _("passed") if self.passed else _("voted down")
        if self.written:
            return _("Agreed %(yes)s/%(eligible)s (needed %(needed)s) — %(result)s") % {
                "yes": self.yes,
                "eligible": self.eligible,
                "needed": self.needed,
                "result": result,
            }
        return _("For %(yes)s/%(eligible)s — %(result)s") % {
            "yes": self.yes,
            "eligible": self.eligible,
            "result": result,
        }


def item_voters(item: AgendaItem, quorum: Quorum) -> set:
    """Organisations entitled to vote on `item` (規約第12条1–3): present ones, valid proxies and
    e-mail voters (the last two only on items notified in advance), without the chair, and
    without the organisation the item is about unless the rules let it vote."""
    voters = set(quorum.present_ids)
    if item.notified_at is not None:
        voters |= quorum.proxy_ids | quorum.email_ids
    voters.discard(item.meeting.chair_id)
    if item.subject_id and not item.meeting.rule_set.subject_may_vote:
        voters.discard(item.subject_id)
    return voters


def item_tally(item: AgendaItem, quorum: Quorum) -> Tally:
    rules = item.meeting.rule_set
    votes = {v.organisation_id: v.choice for v in item.votes.all()}
    if item.meeting.kind == Meeting.Kind.WRITTEN:
        # 第12条5: 2/3 of ALL 幹事団体 agree in writing; the denominator is the whole roster.
        voters = {a.organisation_id for a in item.meeting.attendances.all()}
        if item.subject_id and not rules.subject_may_vote:
            voters.discard(item.subject_id)
        total = quorum.roster
        yes = sum(1 for org in voters if votes.get(org) == Vote.Choice.FOR)
        return Tally(
            eligible=total,
            yes=yes,
            needed=minimum_needed(total, rules.written_numerator, rules.written_denominator),
            passed=total > 0
            and at_least_fraction(yes, total, rules.written_numerator, rules.written_denominator),
            written=True,
        )
    voters = item_voters(item, quorum)
    yes = sum(1 for org in voters if votes.get(org) == Vote.Choice.FOR)
    eligible = len(voters)
    return Tally(
        eligible=eligible,
        yes=yes,
        needed=minimum_needed(eligible, rules.resolution_numerator, rules.resolution_denominator),
        passed=eligible > 0
        and at_least_fraction(
            yes, eligible, rules.resolution_numerator, rules.resolution_denominator
        ),
    )


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
