"""Reads for the supporter scheme. Every list builds its queryset once with named relations."""

import calendar
import datetime

from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from core.japanese import fold, format_wareki_fiscal_year
from core.models import Municipality
from core.periods import add_months, fiscal_year_of

from .models import (
    Certificate,
    ConsentText,
    Registration,
    SchoolDistrict,
    Supporter,
    SupporterRuleSet,
    TrainingSession,
    TsunagariMeeting,
)
from .rollups import SupporterMonth


def rules_in_force_or_none(on: datetime.date | None = None) -> SupporterRuleSet | None:
    """The newest rule set valid on `on` (today by default); None if only later ones exist."""
    on = on or timezone.localdate()
    return SupporterRuleSet.objects.in_force_on(on)


def rules_in_force(on: datetime.date | None = None) -> SupporterRuleSet:
    rules = rules_in_force_or_none(on)
    if rules is None:
        raise SupporterRuleSet.DoesNotExist(_("No supporter rule set is in force."))
    return rules


def consent_text_current(on: datetime.date | None = None) -> ConsentText:
    on = on or timezone.localdate()
    text = ConsentText.objects.in_force_on(on)
    if text is None:
        raise ConsentText.DoesNotExist(_("No consent text is in force."))
    return text


# --- Trainings --------------------------------------------------------------------------------


def _with_registered_count(queryset):
    """Seats taken (signed up, or offered to someone from the waiting list) and people waiting."""
    return queryset.annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status__in=Registration.SEAT_STATUSES)
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
    )


def training_list_public(now: datetime.datetime | None = None, municipality_id=None):
    """Upcoming sessions open to sign-up, soonest first, with seats taken."""
    now = now or timezone.now()
    sessions = TrainingSession.objects.filter(
        is_public=True, status=TrainingSession.Status.SCHEDULED, starts_at__gt=now
    ).select_related("municipality", "district", "host_organisation")
    if municipality_id:
        sessions = sessions.filter(municipality_id=municipality_id)
    return _with_registered_count(sessions).order_by("starts_at", "pk")


def training_calendar_public(*, month: datetime.date, municipality_id=None) -> list[list]:
    """The public sessions of a month (not cancelled) as weeks from Sunday: each day a dict
    {"date", "sessions"} (None outside the month). One query."""
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time.min))
    following = (month + datetime.timedelta(days=31)).replace(day=1)
    end = timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))
    sessions = TrainingSession.objects.filter(
        is_public=True, starts_at__gte=start, starts_at__lt=end
    ).exclude(status=TrainingSession.Status.CANCELLED)
    if municipality_id:
        sessions = sessions.filter(municipality_id=municipality_id)
    by_day: dict[datetime.date, list] = {}
    for session in _with_registered_count(sessions.select_related("municipality")).order_by(
        "starts_at", "pk"
    ):
        by_day.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    weeks = calendar.Calendar(firstweekday=6).monthdatescalendar(month.year, month.month)
    return [
        [
            {"date": day, "sessions": by_day.get(day, [])} if day.month == month.month else None
            for day in week
        ]
        for week in weeks
    ]


def training_get_public(pk: int) -> TrainingSession:
    return _with_registered_count(
        TrainingSession.objects.select_related("municipality", "district", "host_organisation")
    ).get(pk=pk, is_public=True)


def training_attendance_sheet(session: TrainingSession) -> dict:
    """The registrations of a session with who already attended, for the bulk attendance page."""
    registrations = (
        session.registrations.filter(status=Registration.Status.REGISTERED)
        .select_related("municipality", "district", "attendance")
        .order_by("full_name_kana", "pk")
    )
    attendances = session.attendances.select_related(
        "supporter", "certificate", "registration"
    ).order_by("pk")
    return {"registrations": list(registrations), "attendances": list(attendances)}


# --- Supporters -------------------------------------------------------------------------------


def supporter_list_for_secretariat():
    return Supporter.objects.select_related("municipality", "district", "consent_text")


def refresher_basis(supporter: Supporter) -> datetime.date:
    """The day the refresher interval counts from: the last training, else registration."""
    return supporter.last_trained_on or supporter.registered_on


def refresher_due_on(supporter: Supporter, rules: SupporterRuleSet) -> datetime.date:
    return add_months(refresher_basis(supporter), rules.refresher_interval_months)


def refresher_due_cutoff(on: datetime.date, rules: SupporterRuleSet) -> datetime.date:
    """The last basis day whose refresher is due on or before `on`.

    The exact inverse of refresher_due_on: add_months clamps to the month end (31 Jan + 1
    month is 29 Feb), so when `on` is a month's last day every later day of the earlier month
    is due too.
    """
    cutoff = add_months(on, -rules.refresher_interval_months)
    if (on + datetime.timedelta(days=1)).day == 1:
        cutoff = cutoff.replace(day=calendar.monthrange(cutoff.year, cutoff.month)[1])
    return cutoff


def with_refresher_basis(queryset):
    """Annotate `refresher_basis` (last training, else registration) for filtering in SQL."""
    return queryset.annotate(refresher_basis=Coalesce("last_trained_on", "registered_on"))


def _refresher_due_by(day: datetime.date, rules: SupporterRuleSet) -> Q:
    """The one definition of "refresher due": an active supporter whose refresher falls due on
    or before `day`. For a queryset annotated by with_refresher_basis."""
    return Q(status=Supporter.Status.ACTIVE, refresher_basis__lte=refresher_due_cutoff(day, rules))


def with_refresher_due(queryset, on: datetime.date | None = None):
    """Annotate `refresher_basis` and `refresher_due` (is the refresher due on `on`, today by
    default). Nobody is due while no rule set is in force yet (only a future one)."""
    on = on or timezone.localdate()
    rules = rules_in_force_or_none(on)
    queryset = with_refresher_basis(queryset)
    if rules is None:
        return queryset.annotate(refresher_due=Value(False, output_field=BooleanField()))
    return queryset.annotate(
        refresher_due=Case(
            When(_refresher_due_by(on, rules), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def supporters_refresher_due(on: datetime.date | None = None, rules=None):
    on = on or timezone.localdate()
    rules = rules or rules_in_force(on)
    return with_refresher_basis(supporter_list_for_secretariat()).filter(
        _refresher_due_by(on, rules)
    )


def supporters_for_refresher_reminder(on: datetime.date, rules: SupporterRuleSet):
    """Active supporters with an e-mail whose refresher falls due within the reminder window."""
    window_end = on + datetime.timedelta(days=rules.refresher_reminder_days)
    return (
        with_refresher_basis(Supporter.objects.all())
        .filter(_refresher_due_by(window_end, rules))
        .exclude(email="")
        .select_related("municipality")
        .order_by("pk")
    )


def notice_recipients(*, municipality=None, district=None, status=""):
    """Supporters a notice with these filters goes to (counted supporters with an e-mail)."""
    queryset = Supporter.objects.counted().exclude(email="")
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    if district is not None:
        queryset = queryset.filter(district=district)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("pk")


def _compact(text: str) -> str:
    """Folded (width, kana, case) and without spaces: 「ｲﾅﾊﾞ ﾊﾅｺ」 and 「いなば　はなこ」 agree."""
    return "".join(fold(text).split())


def supporter_match(
    *, email: str, full_name: str, full_name_kana: str, municipality
) -> Supporter | None:
    """The counted supporter these details belong to, if any: the same e-mail and the same
    name, or else the same name, kana and municipality. An e-mail alone is not enough: family
    members share addresses, and each of them is a supporter of their own."""
    counted = Supporter.objects.counted().order_by("pk")
    email = (email or "").strip()
    if email:
        for candidate in counted.filter(email__iexact=email):
            if _compact(candidate.full_name) == _compact(full_name):
                return candidate
    if municipality is None:
        return None
    return (
        counted.filter(municipality=municipality)
        .annotate(compact=Replace("search_text", Value(" "), Value("")))
        .filter(compact=_compact(f"{full_name}{full_name_kana}"))
        .first()
    )


def supporter_match_for_registration(registration: Registration) -> Supporter | None:
    """The supporter a sign-up belongs to (someone coming to a refresher), see supporter_match."""
    if registration.supporter_id:
        return registration.supporter
    return supporter_match(
        email=registration.email,
        full_name=registration.full_name,
        full_name_kana=registration.full_name_kana,
        municipality=registration.municipality,
    )


def supporter_match_for_walk_in(data: dict) -> Supporter | None:
    """The supporter a walk-in already is, see supporter_match. Someone walking in for a
    refresher stays one supporter, and a walk-in row submitted twice finds the supporter the
    first submission made."""
    return supporter_match(
        email=data.get("email") or "",
        full_name=data.get("full_name") or "",
        full_name_kana=data.get("full_name_kana") or "",
        municipality=data.get("municipality"),
    )


def registration_ids_of_supporter(supporter: Supporter) -> list[int]:
    """The sign-ups that are this person's: linked to the supporter, or not linked yet with the
    same e-mail and the same name (and kana, when both are known): other people may share a
    family address."""
    ids = set(Registration.objects.filter(supporter=supporter).values_list("pk", flat=True))
    email_key = (supporter.email or "").strip().casefold()
    if email_key:
        name, kana = _compact(supporter.full_name), _compact(supporter.full_name_kana)
        for pk, full_name, full_name_kana in Registration.objects.filter(
            supporter__isnull=True, email_key=email_key
        ).values_list("pk", "full_name", "full_name_kana"):
            same_kana = not kana or not full_name_kana or _compact(full_name_kana) == kana
            if _compact(full_name) == name and same_kana:
                ids.add(pk)
    return sorted(ids)


def certificates_for_session(session: TrainingSession):
    return (
        Certificate.objects.filter(attendance__session=session)
        .select_related("attendance__supporter")
        .order_by("number")
    )


# --- Progress -----------------------------------------------------------------------------------


def _rollup_counts(group: str, rows=None) -> dict:
    """Supporters counted now (active or paused) by `group`, from the monthly roll-up."""
    rows = SupporterMonth.objects.all() if rows is None else rows
    return dict(
        rows.filter(status__in=Supporter.COUNTED_STATUSES)
        .values_list(group)
        .annotate(n=Sum("supporters"))
        .order_by()
    )


def district_progress() -> list[dict]:
    """Counted supporters per school district against its target (two queries)."""
    counts = _rollup_counts("district_id")
    districts = SchoolDistrict.objects.select_related("municipality").order_by(
        "municipality__display_order", "display_order", "pk"
    )
    return [
        {
            "name": str(d),
            "municipality": d.municipality.name,
            "count": counts.get(d.pk, 0),
            "target": d.target,
            "percent": round(100 * counts.get(d.pk, 0) / d.target) if d.target else None,
        }
        for d in districts
    ]


def municipality_progress() -> list[dict]:
    """Counted supporters per municipality against the sum of its districts' targets."""
    counts = _rollup_counts("municipality_id")
    target_sums = {
        row["municipality"]: row["total"] or 0
        for row in SchoolDistrict.objects.values("municipality").annotate(total=Sum("target"))
    }
    return [
        {"name": m.name, "count": counts.get(m.pk, 0), "target": target_sums.get(m.pk, 0)}
        for m in Municipality.objects.order_by("display_order", "pk")
    ]


def held_sessions() -> list[tuple]:
    """(municipality id, day, participants) of every training held so far (not cancelled; past
    head-count records included): named attendances + the head count recorded without names.
    One query: the named attendances come from each session's kept count
    (SessionAttendanceCount), not from counting every attendance."""
    sessions = (
        TrainingSession.objects.exclude(status=TrainingSession.Status.CANCELLED)
        .filter(held_on__lte=timezone.localdate())
        .values_list(
            "municipality_id",
            "held_on",
            "attendance_count__attendances",
            "unrecorded_participants",
        )
    )
    return [
        (municipality, held_on, (named or 0) + (head_count or 0))
        for municipality, held_on, named, head_count in sessions
    ]


def trainings_per_fiscal_year(sessions=None) -> list[dict]:
    """Sessions held and participants (named attendances + unrecorded head count) per FY
    (`sessions`: held_sessions(), when the caller has read them already)."""
    years: dict[int, dict] = {}
    for _municipality, held_on, participants in held_sessions() if sessions is None else sessions:
        year = fiscal_year_of(held_on)
        row = years.setdefault(
            year,
            {
                "fiscal_year": year,
                "label": fiscal_year_label(year),
                "sessions": 0,
                "participants": 0,
            },
        )
        row["sessions"] += 1
        row["participants"] += participants
    return [years[y] for y in sorted(years)]


def registrations_per_month(months: int = 12, today: datetime.date | None = None) -> list[dict]:
    """New supporters per calendar month for the last `months` months (zero months included),
    from the monthly roll-up."""
    today = today or timezone.localdate()
    first = add_months(today.replace(day=1), -(months - 1))
    counts = dict(
        SupporterMonth.objects.filter(month__gte=first)
        .values_list("month")
        .annotate(total=Sum("supporters"))
        .order_by()
    )
    result = []
    for i in range(months):
        month = add_months(first, i)
        result.append({"month": month, "count": counts.get(month, 0)})
    return result


def supporter_totals() -> dict:
    """Supporters by status now, from the monthly roll-up."""
    by_status = dict(
        SupporterMonth.objects.values_list("status").annotate(n=Sum("supporters")).order_by()
    )
    return {
        "counted": sum(by_status.get(s, 0) for s in Supporter.COUNTED_STATUSES),
        "active": by_status.get(Supporter.Status.ACTIVE, 0),
        "paused": by_status.get(Supporter.Status.PAUSED, 0),
        "withdrawn": by_status.get(Supporter.Status.WITHDRAWN, 0),
    }


def trainings_per_municipality(sessions=None) -> list[dict]:
    """Trainings held so far (not cancelled; past head-count records included) and their
    participants (named attendances + head count) per municipality, in display order
    (`sessions`: held_sessions(), when the caller has read them already)."""
    totals: dict[int, dict] = {}
    for municipality, _held_on, participants in held_sessions() if sessions is None else sessions:
        row = totals.setdefault(municipality, {"sessions": 0, "participants": 0})
        row["sessions"] += 1
        row["participants"] += participants
    return [
        {"name": m.name, **totals[m.pk]}
        for m in Municipality.objects.filter(pk__in=list(totals)).order_by("display_order", "pk")
    ]


def meetings_per_fiscal_year() -> list[dict]:
    """つながりミーティング held so far per fiscal year: sessions, residents, students."""
    years: dict[int, dict] = {}
    meetings = TsunagariMeeting.objects.filter(held_on__lte=timezone.localdate()).values_list(
        "held_on", "resident_participants", "student_participants"
    )
    for held_on, residents, students in meetings:
        year = fiscal_year_of(held_on)
        row = years.setdefault(
            year,
            {
                "fiscal_year": year,
                "label": fiscal_year_label(year),
                "sessions": 0,
                "residents": 0,
                "students": 0,
            },
        )
        row["sessions"] += 1
        row["residents"] += residents or 0
        row["students"] += students or 0
    return [years[y] for y in sorted(years)]


def fiscal_year_label(year: int) -> str:
    """令和8年度（2026年度）"""
    return f"{format_wareki_fiscal_year(year)}（{year}年度）"


# --- Figures for the monthly and fiscal-year reports (read by reports) -----------------------


def counted_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Supporters counted at the end of `day`: registered by then and not withdrawn by then."""
    return Q(**{f"{prefix}registered_on__lte": day}) & ~Q(
        **{f"{prefix}status": Supporter.Status.WITHDRAWN, f"{prefix}status_changed_on__lte": day}
    )


def trainings_held_between(start: datetime.date, end: datetime.date) -> list[dict]:
    """Sessions (not cancelled) held from `start` to `end`, each with its participants: the
    named attendances plus the head count recorded without names (a past record has only the
    head count), counted alike."""
    sessions = (
        TrainingSession.objects.exclude(status=TrainingSession.Status.CANCELLED)
        .filter(held_on__gte=start, held_on__lte=end)
        .select_related("municipality")
        .annotate(named=Coalesce("attendance_count__attendances", 0))
        .order_by("held_on", "starts_at", "pk")
    )
    return [
        {
            "date": s.held_on,
            "title": s.title,
            "kind": s.kind,
            "venue": s.venue,
            "audience": s.audience,
            "municipality": s.municipality.name,
            "participants": s.named + s.unrecorded_participants,
            "counts_only": s.counts_only,
        }
        for s in sessions
    ]


def meetings_held_between(start: datetime.date, end: datetime.date) -> dict:
    """つながりミーティング held from `start` to `end`: sessions, residents, students."""
    return TsunagariMeeting.objects.filter(held_on__gte=start, held_on__lte=end).aggregate(
        sessions=Count("pk"),
        residents=Coalesce(Sum("resident_participants"), 0),
        students=Coalesce(Sum("student_participants"), 0),
    )


def meetings_list_between(start: datetime.date, end: datetime.date) -> list[dict]:
    """Each つながりミーティング held from `start` to `end`, in date order (counts only)."""
    meetings = (
        TsunagariMeeting.objects.filter(held_on__gte=start, held_on__lte=end)
        .select_related("municipality")
        .order_by("held_on", "pk")
    )
    return [
        {
            "date": m.held_on,
            "venue": m.venue,
            "municipality": m.municipality.name,
            "residents": m.resident_participants,
            "students": m.student_participants,
        }
        for m in meetings
    ]


def _whole_months(new_from: datetime.date, new_to: datetime.date, on: datetime.date) -> bool:
    def month_end(day):
        return day.day == calendar.monthrange(day.year, day.month)[1]

    return new_from.day == 1 and month_end(new_to) and month_end(on)


def _figures_from_rollup(group: str, *, new_from, new_to, on) -> dict:
    """{group: (new, counted)} from the monthly roll-up (the period in whole months): new =
    registered in the period, counted = registered by `on` and not withdrawn by then."""
    rows = SupporterMonth.objects.values_list(group).annotate(
        new=Coalesce(Sum("supporters", filter=Q(month__gte=new_from, month__lte=new_to)), 0),
        counted=Coalesce(
            Sum(
                "supporters",
                filter=Q(month__lte=on)
                & (Q(withdrawn_month__isnull=True) | Q(withdrawn_month__gt=on)),
            ),
            0,
        ),
    )
    return {key: (new, counted) for key, new, counted in rows.order_by()}


def _figures_from_supporters(groups, *, new_from, new_to, on) -> dict:
    """{group pk: (supporters registered from `new_from` to `new_to`, counted at `on`)} for a
    queryset of districts or municipalities, counted from the supporters themselves."""
    return {
        g.pk: (g.new, g.counted)
        for g in groups.annotate(
            new=Count(
                "supporters",
                filter=Q(
                    supporters__registered_on__gte=new_from,
                    supporters__registered_on__lte=new_to,
                ),
            ),
            counted=Count("supporters", filter=counted_on_q(on, "supporters__")),
        )
    }


def district_figures(*, new_from: datetime.date, new_to: datetime.date, on: datetime.date):
    """Per school district (in display order): its target, supporters registered from `new_from`
    to `new_to`, and supporters counted at the end of `on`. Two queries: the counts from the
    monthly roll-up when the period is whole months (a report's), else from the supporters."""
    districts = SchoolDistrict.objects.select_related("municipality").order_by(
        "municipality__display_order", "display_order", "pk"
    )
    if _whole_months(new_from, new_to, on):
        figures = _figures_from_rollup("district_id", new_from=new_from, new_to=new_to, on=on)
    else:
        figures = _figures_from_supporters(districts, new_from=new_from, new_to=new_to, on=on)
    return [
        {
            "municipality": d.municipality.name,
            "district": d.name,
            "target": d.target,
            "new": figures.get(d.pk, (0, 0))[0],
            "counted": figures.get(d.pk, (0, 0))[1],
        }
        for d in districts
    ]


def supporter_figures_by_municipality(
    *, new_from: datetime.date, new_to: datetime.date, on: datetime.date
) -> list[dict]:
    """Per municipality: supporters registered in the period and counted at `on` (with or
    without a district), and the sum of its districts' targets. Three queries: the counts from
    the monthly roll-up when the period is whole months (a report's), else from the supporters."""
    municipalities = Municipality.objects.order_by("display_order", "pk")
    if _whole_months(new_from, new_to, on):
        figures = _figures_from_rollup("municipality_id", new_from=new_from, new_to=new_to, on=on)
    else:
        figures = _figures_from_supporters(municipalities, new_from=new_from, new_to=new_to, on=on)
    targets = dict(
        SchoolDistrict.objects.values_list("municipality").annotate(t=Sum("target")).order_by()
    )
    return [
        {
            "municipality": m.name,
            "target": targets.get(m.pk) or 0,
            "new": figures.get(m.pk, (0, 0))[0],
            "counted": figures.get(m.pk, (0, 0))[1],
        }
        for m in municipalities
    ]


def refreshers_due_count(on: datetime.date) -> int:
    """Active supporters whose refresher training is due on or before `on` (0 without rules)."""
    rules = rules_in_force_or_none(on)
    if rules is None:
        return 0
    return supporters_refresher_due(on=on, rules=rules).count()
