"""年度報告: the tables a 事業報告書 chapter needs for one fiscal year (April–March), in the
shape of the seeds' tables, read from the domain apps' selectors only.

The tables have the monthly report's shape ({key, section, title, columns, rows, note}), so the
same template prints them and the same CSV path exports them. A year still running is reported
to date (up to today).
"""

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from core.japanese import format_date, format_wareki_fiscal_year
from core.periods import add_months
from foodhub import selectors as food
from members import selectors as members
from supporters import selectors as supporters

from .figures import DASH, drop_empty, kg, make_table


def fiscal_year_bounds(year: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """1 April of `year` to 31 March of the next, or to `today` while the year runs."""
    return datetime.date(year, 4, 1), min(datetime.date(year + 1, 3, 31), today)


def _venue_or_audience(session) -> str:
    """The venue and the audience, once if they are the same words."""
    parts = [session["venue"], session["audience"]]
    return " ／ ".join(dict.fromkeys(p for p in parts if p))


def _trainings(start, end):
    sessions = supporters.trainings_held_between(start, end)
    rows = [
        (
            format_date(s["date"]),
            [
                _venue_or_audience(s),
                s["municipality"],
                s["participants"],
            ],
        )
        for s in sessions
    ]
    rows.append(
        (
            _("total (%(count)d sessions)") % {"count": len(sessions)},
            ["", "", sum(s["participants"] for s in sessions)],
        )
    )
    return make_table(
        "fy_trainings",
        "supporters",
        _("Trainings held"),
        [_("venue or audience"), _("municipality"), _("participants")],
        rows,
        note=_(
            "Participants recorded by name and those recorded as a head count are counted alike."
        ),
        text_columns=(0, 1),
    )


def _meetings(start, end):
    meetings = supporters.meetings_list_between(start, end)
    rows = [
        (format_date(m["date"]), [m["venue"], m["municipality"], m["residents"], m["students"]])
        for m in meetings
    ]
    rows.append(
        (
            _("total (%(count)d sessions)") % {"count": len(meetings)},
            ["", "", sum(m["residents"] for m in meetings), sum(m["students"] for m in meetings)],
        )
    )
    return make_table(
        "fy_meetings",
        "supporters",
        _("Tsunagari meetings"),
        [_("venue"), _("municipality"), _("residents"), _("students")],
        rows,
        text_columns=(0, 1),
    )


def _progress(key, title, figures, label_of, end):
    columns = [
        _("target"),
        _("new in the year"),
        _("supporters (%(period)s)") % {"period": format_date(end)},
        _("of target"),
    ]
    rows = [
        (
            label_of(f),
            [
                f["target"],
                f["new"],
                f["counted"],
                f"{round(100 * f['counted'] / f['target'])}%" if f["target"] else DASH,
            ],
        )
        for f in figures
    ]
    rows = drop_empty(rows)
    rows.append(
        (
            _("total"),
            [
                sum(f["target"] for f in figures),
                sum(f["new"] for f in figures),
                sum(f["counted"] for f in figures),
                "",
            ],
        )
    )
    return make_table(key, "supporters", title, columns, rows)


def _food(start, end):
    monthly = food.food_monthly_in_out(start, end)
    rows, totals = [], {"received": Decimal(0), "distributed": Decimal(0), "disposed": Decimal(0)}
    month = start
    while month <= end:
        figures = monthly.get(month, {})
        for name in totals:
            totals[name] += figures.get(name, Decimal(0))
        rows.append(
            (
                f"{month.year}年{month.month}月",
                [kg(figures.get(n)) for n in ("received", "distributed", "disposed")],
            )
        )
        month = add_months(month, 1)
    rows.append((_("total"), [kg(totals[n]) for n in ("received", "distributed", "disposed")]))
    return make_table(
        "fy_food",
        "food",
        _("Food received, distributed and disposed by month (kg)"),
        [_("received (kg)"), _("distributed (kg)"), _("disposed (kg)")],
        rows,
    )


def _members(start, end):
    changes = members.membership_changes_between(start, end)
    at_start = members.member_counts_on(start - datetime.timedelta(days=1))
    at_end = members.member_counts_on(end)
    tiers = members.tier_labels()
    rows = [
        (label, [at_start["by_tier"].get(tier, 0), at_end["by_tier"].get(tier, 0)])
        for tier, label in tiers.items()
    ]
    rows.append((_("total"), [at_start["total"], at_end["total"]]))
    return [
        make_table(
            "fy_member_changes",
            "members",
            _("Changes in the register"),
            [_("in the year")],
            [
                (_("new members"), [changes["new"]]),
                (_("withdrawals"), [changes["withdrawn"]]),
                (_("expulsions"), [changes["expelled"]]),
                (_("left the steering members"), [changes["steering_left"]]),
                (_("tier changes"), [changes["tier_changed"]]),
            ],
        ),
        make_table(
            "fy_members",
            "members",
            _("Members at the start and end of the year"),
            [
                _("at %(date)s") % {"date": format_date(start - datetime.timedelta(days=1))},
                _("at %(date)s") % {"date": format_date(end)},
            ],
            rows,
        ),
    ]


def fiscal_year_snapshot(year: int, *, today: datetime.date) -> dict:
    with translation.override("ja"):
        start, end = fiscal_year_bounds(year, today)
        tables = [
            *_members(start, end),
            _trainings(start, end),
            _meetings(start, end),
            _progress(
                "fy_supporters_by_municipality",
                _("Supporters by municipality against the target"),
                supporters.supporter_figures_by_municipality(new_from=start, new_to=end, on=end),
                lambda f: f["municipality"],
                end,
            ),
            _progress(
                "fy_supporters_by_district",
                _("Supporters by school district against the target"),
                supporters.district_figures(new_from=start, new_to=end, on=end),
                lambda f: f"{f['municipality']} {f['district']}",
                end,
            ),
            _food(start, end),
        ]
        return {
            "fiscal_year": year,
            "heading": f"{format_wareki_fiscal_year(year)}（{year}年度）",
            "start": start.isoformat(),
            "as_of": end.isoformat(),
            "complete": end == datetime.date(year + 1, 3, 31),
            "tables": tables,
        }
