"""Counting at a platform meeting: quorum (規約第11条) and the tally of an item (規約第12条).

Read-only; `decisions.item_decide` uses it under the meeting lock, the admin and the minutes
show it.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import AgendaItem, Attendance, Meeting, Vote
from ..rules import at_least_fraction, minimum_needed


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
    def _values(self) -> dict:
        """What the sentences below fill in."""
        return {
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "eligible": self.eligible,
            "fraction": f"{self.numerator}/{self.denominator}",
            "needed": self.needed,
        }

    @property
    def text(self) -> str:
        """E.g. 「出席 9/12（委任 2・メール 1 を含む）で定足数 8 を満たし成立。」"""
        values = {
            "present": self.present,
            "roster": self.roster,
            "proxies": self.proxies,
            "emails": self.emails,
            "needed": self.needed,
        }
        if self.met:
            return (
                _(
                    "Present %(present)s/%(roster)s (including %(proxies)s proxies and "
                    "%(emails)s e-mail votes): the quorum of %(needed)s is met, the meeting is "
                    "valid."
                )
                % values
            )
        return (
            _(
                "Present %(present)s/%(roster)s (including %(proxies)s proxies and %(emails)s "
                "e-mail votes): short of the quorum of %(needed)s, the meeting is not valid."
            )
            % values
        )


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
    no: int = 0
    abstain: int = 0
    numerator: int = 2
    denominator: int = 3

    @property
    def _values(self) -> dict:
        """What the sentences below fill in."""
        return {
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "eligible": self.eligible,
            "fraction": f"{self.numerator}/{self.denominator}",
            "needed": self.needed,
        }

    @property
    def text(self) -> str:
        """E.g. 「賛成 9・反対 1・棄権 0（出席 10 の 2/3 = 7 以上）で可決。」: the counts, the
        threshold and how it was computed, and the result."""
        values = self._values
        if self.written:
            if self.passed:
                return (
                    _(
                        "Agreed %(yes)s (%(fraction)s of all %(eligible)s steering members = "
                        "%(needed)s or more): passed."
                    )
                    % values
                )
            return (
                _(
                    "Agreed %(yes)s (%(fraction)s of all %(eligible)s steering members = "
                    "%(needed)s needed): not passed."
                )
                % values
            )
        if self.passed:
            return (
                _(
                    "For %(yes)s, against %(no)s, abstaining %(abstain)s (%(fraction)s of the "
                    "%(eligible)s voting = %(needed)s or more): passed."
                )
                % values
            )
        return (
            _(
                "For %(yes)s, against %(no)s, abstaining %(abstain)s (%(fraction)s of the "
                "%(eligible)s voting = %(needed)s needed): voted down."
            )
            % values
        )

    @property
    def progress_text(self) -> str:
        """The count of an item not yet decided, and what passing it takes."""
        values = self._values
        if self.written:
            return (
                _(
                    "Agreed so far %(yes)s (passes at %(fraction)s of all %(eligible)s steering "
                    "members = %(needed)s)"
                )
                % values
            )
        return (
            _(
                "For %(yes)s, against %(no)s, abstaining %(abstain)s so far (passes at "
                "%(fraction)s of the %(eligible)s voting = %(needed)s)"
            )
            % values
        )


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
            no=sum(1 for org in voters if votes.get(org) == Vote.Choice.AGAINST),
            abstain=sum(1 for org in voters if votes.get(org) == Vote.Choice.ABSTAIN),
            numerator=rules.written_numerator,
            denominator=rules.written_denominator,
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
        no=sum(1 for org in voters if votes.get(org) == Vote.Choice.AGAINST),
        abstain=sum(1 for org in voters if votes.get(org) == Vote.Choice.ABSTAIN),
        numerator=rules.resolution_numerator,
        denominator=rules.resolution_denominator,
        needed=minimum_needed(eligible, rules.resolution_numerator, rules.resolution_denominator),
        passed=eligible > 0
        and at_least_fraction(
            yes, eligible, rules.resolution_numerator, rules.resolution_denominator
        ),
    )
