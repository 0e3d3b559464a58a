"""The monthly report's figures (月次報告), read from the domain apps' selectors only.

`monthly_snapshot(month)` returns plain JSON: the tables and chart series printed in the PDF,
shown on the admin page and offered as CSVs, so every rendering of a month shows the same
numbers. Each flow figure has four columns: the month, the previous month, the same month a
year earlier and the fiscal year (April–March) to date; a stock figure (members, stock, queue)
is taken at the end of the first three of those months.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from core.japanese import format_wareki_fiscal_year
from core.japanese import format_wareki_month as wareki_month
from core.periods import add_months, fiscal_year_of
from core.selectors import municipality_list
from council import selectors as council_selectors
from exchange import selectors as exchange_selectors
from foodhub import selectors as food
from members import selectors as members
from supporters import selectors as supporters

DASH = "—"


# --- Periods and labels -----------------------------------------------------------------------


def month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime.date
    end: datetime.date
    label: str


def report_periods(first: datetime.date) -> list[Period]:
    """The month, the previous month, the same month a year earlier, the fiscal year to date."""
    previous = add_months(first, -1)
    year_ago = add_months(first, -12)
    fy = fiscal_year_of(first)
    fy_start = datetime.date(fy, 4, 1)
    fy_label = _("%(year)s to date (%(start)s–%(end)s)") % {
        "year": format_wareki_fiscal_year(fy),
        "start": f"{fy_start.month}月",
        "end": f"{first.month}月",
    }
    return [
        Period("month", first, month_end(first), wareki_month(first)),
        Period("previous", previous, month_end(previous), wareki_month(previous)),
        Period("year_ago", year_ago, month_end(year_ago), wareki_month(year_ago)),
        Period("fiscal_year", fy_start, month_end(first), fy_label),
    ]


def _flow_columns(periods) -> list[str]:
    """Column headings of a flow table: what each column is, then its period."""
    kinds = [_("this month"), _("previous month"), _("same month a year earlier"), _("fiscal year")]
    return [f"{kind}（{p.label}）" for kind, p in zip(kinds, periods, strict=True)]


def _end_labels(periods):
    """Column headings of a stock table: the end of the month, previous month, a year earlier."""
    kinds = [_("this month"), _("previous month"), _("same month a year earlier")]
    return [
        f"{kind}（{_('end of %(month)s') % {'month': p.label}}）"
        for kind, p in zip(kinds, periods[:3], strict=True)
    ]


def kg(value) -> str:
    """kg for print and CSV: two decimals, as the ledger keeps them."""
    return f"{Decimal(value or 0):.2f}"


def make_table(key, section, title, columns, rows, note="", text_columns=()):
    """One printed table; `text_columns` are the indexes of cells that are words, not numbers."""
    return {
        "text_columns": list(text_columns),
        "key": key,
        "section": section,
        "title": str(title),
        "columns": [str(c) for c in columns],
        "rows": [{"label": str(label), "cells": cells} for label, cells in rows],
        "note": str(note),
    }


def drop_empty(rows):
    """Rows whose every cell is zero or empty say nothing (a municipality with no members)."""
    return [
        (label, cells)
        for label, cells in rows
        if any(c not in (0, None, "", DASH, "0.00") for c in cells)
    ]


# --- 会員 -------------------------------------------------------------------------------------


def members_tables(periods) -> list[dict]:
    flow_columns = _flow_columns(periods)
    changes = [members.membership_changes_between(p.start, p.end) for p in periods]
    rows = [
        (_("new members"), [c["new"] for c in changes]),
        (_("withdrawals"), [c["withdrawn"] for c in changes]),
        (_("expulsions"), [c["expelled"] for c in changes]),
        (_("left the steering members"), [c["steering_left"] for c in changes]),
        (_("tier changes"), [c["tier_changed"] for c in changes]),
    ]
    tables = [
        make_table("members_changes", "members", _("Changes in the register"), flow_columns, rows)
    ]

    ends = [p.end for p in periods[:3]]
    end_columns = _end_labels(periods)
    waiting = [members.applications_waiting_on(day) for day in ends]
    tables.append(
        make_table(
            "members_applications",
            "members",
            _("Applications waiting for review"),
            end_columns,
            [
                (_("applications waiting"), [w["count"] for w in waiting]),
                (_("longest wait (days)"), [_or_dash(w["longest_days"]) for w in waiting]),
                (_("average wait (days)"), [_or_dash(w["average_days"]) for w in waiting]),
            ],
        )
    )
    counts = [members.member_counts_on(day) for day in ends]
    tier_labels = members.tier_labels()
    tier_rows = [
        (label, [c["by_tier"].get(tier, 0) for c in counts]) for tier, label in tier_labels.items()
    ]
    tier_rows.append((_("total"), [c["total"] for c in counts]))
    tables.append(
        make_table("members_by_tier", "members", _("Members by tier"), end_columns, tier_rows)
    )
    type_rows = [
        (label, [c["by_type"].get(key, 0) for c in counts])
        for key, label in members.organisation_type_labels().items()
    ]
    tables.append(
        make_table(
            "members_by_type",
            "members",
            _("Members by organisation type"),
            end_columns,
            drop_empty(type_rows),
        )
    )
    municipality_rows = [
        (name, [c["by_municipality"].get(name, 0) for c in counts])
        for name in municipality_list().values_list("name", flat=True)
    ]
    tables.append(
        make_table(
            "members_by_municipality",
            "members",
            _("Members by municipality"),
            end_columns,
            drop_empty(municipality_rows),
        )
    )
    return tables


def _or_dash(value):
    return DASH if value is None else value


# --- つながりサポーター ------------------------------------------------------------------------


def supporters_tables(periods) -> list[dict]:
    flow_columns = _flow_columns(periods)
    first, _previous, year_ago, fiscal = periods
    trainings = [supporters.trainings_held_between(p.start, p.end) for p in periods]
    tables = [
        make_table(
            "supporters_trainings",
            "supporters",
            _("Trainings held"),
            flow_columns,
            [
                (_("sessions held"), [len(t) for t in trainings]),
                (_("participants"), [sum(s["participants"] for s in t) for t in trainings]),
            ],
        )
    ]
    by_municipality = []
    for name in municipality_list().values_list("name", flat=True):
        cells = [sum(s["participants"] for s in t if s["municipality"] == name) for t in trainings]
        by_municipality.append((name, cells))
    tables.append(
        make_table(
            "supporters_trainings_by_municipality",
            "supporters",
            _("Training participants by municipality"),
            flow_columns,
            drop_empty(by_municipality),
        )
    )
    meetings = [supporters.meetings_held_between(p.start, p.end) for p in periods]
    tables.append(
        make_table(
            "supporters_meetings",
            "supporters",
            _("Tsunagari meetings"),
            flow_columns,
            [
                (_("sessions held"), [m["sessions"] for m in meetings]),
                (_("residents"), [m["residents"] for m in meetings]),
                (_("students"), [m["students"] for m in meetings]),
            ],
        )
    )

    def progress_table(key, title, rows_now, rows_fy, rows_year_ago, label_of):
        columns = [
            _("target"),
            _("new (%(period)s)") % {"period": first.label},
            _("new (%(period)s)") % {"period": fiscal.label},
            _("supporters (%(period)s)")
            % {"period": _("end of %(month)s") % {"month": first.label}},
            _("supporters (%(period)s)")
            % {"period": _("end of %(month)s") % {"month": year_ago.label}},
            _("of target"),
        ]
        rows = []
        for now, fy, ago in zip(rows_now, rows_fy, rows_year_ago, strict=True):
            percent = f"{round(100 * now['counted'] / now['target'])}%" if now["target"] else DASH
            rows.append(
                (
                    label_of(now),
                    [now["target"], now["new"], fy["new"], now["counted"], ago["counted"], percent],
                )
            )
        return make_table(key, "supporters", title, columns, drop_empty(rows))

    def district_rows(period, on):
        return supporters.district_figures(new_from=period.start, new_to=period.end, on=on)

    tables.append(
        progress_table(
            "supporters_by_district",
            _("Supporters by school district against the target"),
            district_rows(first, first.end),
            district_rows(fiscal, first.end),
            district_rows(year_ago, year_ago.end),
            lambda row: f"{row['municipality']} {row['district']}",
        )
    )

    def municipality_rows(period, on):
        return supporters.supporter_figures_by_municipality(
            new_from=period.start, new_to=period.end, on=on
        )

    tables.append(
        progress_table(
            "supporters_by_municipality",
            _("Supporters by municipality against the target"),
            municipality_rows(first, first.end),
            municipality_rows(fiscal, first.end),
            municipality_rows(year_ago, year_ago.end),
            lambda row: row["municipality"],
        )
    )
    tables.append(
        make_table(
            "supporters_refreshers",
            "supporters",
            _("Refresher training due"),
            _end_labels(periods),
            [
                (
                    _("supporters due a refresher"),
                    [supporters.refreshers_due_count(p.end) for p in periods[:3]],
                )
            ],
        )
    )
    return tables


# --- 食支援 -----------------------------------------------------------------------------------


def _sum_by(flows: dict, index: int) -> dict:
    result: dict = {}
    for key, value in flows.items():
        result[key[index]] = result.get(key[index], Decimal("0")) + value
    return result


def food_tables(periods) -> list[dict]:
    flow_columns = _flow_columns(periods)
    flows = [food.food_flows_between(p.start, p.end) for p in periods]
    donor_labels = food.donor_kind_labels()
    recipient_labels = food.recipient_kind_labels()

    def by_kind(name, labels):
        totals = [_sum_by(f[name], 1) for f in flows]
        rows = [(label, [kg(t.get(key)) for t in totals]) for key, label in labels.items()]
        rows = drop_empty(rows)
        rows.append((_("total"), [kg(sum(t.values())) for t in totals]))
        return rows

    def by_site(name, labels):
        keys = sorted({key for f in flows for key in f[name]}, key=lambda k: (k[0], str(k[1])))
        rows = [
            (f"{site}・{labels.get(kind, kind)}", [kg(f[name].get((site, kind))) for f in flows])
            for site, kind in keys
        ]
        return rows

    tables = [
        make_table(
            "food_received",
            "food",
            _("kg received by source"),
            flow_columns,
            by_kind("received", donor_labels),
        ),
        make_table(
            "food_distributed",
            "food",
            _("kg distributed by recipient type"),
            flow_columns,
            by_kind("distributed", recipient_labels),
        ),
        make_table(
            "food_received_by_hub",
            "food",
            _("kg received per hub and source"),
            flow_columns,
            by_site("received", donor_labels),
        ),
        make_table(
            "food_distributed_by_hub",
            "food",
            _("kg distributed per hub and recipient type"),
            flow_columns,
            by_site("distributed", recipient_labels),
        ),
    ]
    households = food.household_recipient_kinds()
    tables.append(
        make_table(
            "food_reached",
            "food",
            _("Households and organisations reached"),
            flow_columns,
            [
                (
                    _("households"),
                    [sum(n for k, n in f["reached"].items() if k in households) for f in flows],
                ),
                (
                    _("organisations"),
                    [sum(n for k, n in f["reached"].items() if k not in households) for f in flows],
                ),
            ],
            note=_("Counts only: each recipient once per period."),
        )
    )
    reason_labels = food.disposal_reason_labels()
    disposal_rows = drop_empty(
        [
            (label, [kg(f["disposed"].get(key)) for f in flows])
            for key, label in reason_labels.items()
        ]
    )
    disposed = [sum(f["disposed"].values(), Decimal("0")) for f in flows]
    distributed = [sum(f["distributed"].values(), Decimal("0")) for f in flows]
    disposal_rows.append((_("total disposed"), [kg(d) for d in disposed]))
    disposal_rows.append(
        (
            _("disposal rate"),
            [
                f"{(d * 100 / (d + o)):.1f}%" if d + o else DASH
                for d, o in zip(disposed, distributed, strict=True)
            ],
        )
    )
    tables.append(
        make_table(
            "food_disposed",
            "food",
            _("Disposal (kg) by reason"),
            flow_columns,
            disposal_rows,
            note=_(
                "Disposal rate: disposed kg of all kg that left the stock "
                "(distributed and disposed)."
            ),
        )
    )
    tables.extend(food_request_tables(periods))
    ends = [p.end for p in periods[:3]]
    stocks = [food.stock_on(day) for day in ends]
    zone_labels = food.zone_kind_labels()
    stock_keys = sorted({key for s in stocks for key in s}, key=lambda k: (k[0], k[1]))
    stock_rows = [
        (f"{site}・{zone_labels.get(zone, zone)}", [kg(s.get((site, zone))) for s in stocks])
        for site, zone in stock_keys
    ]
    stock_rows.append((_("total"), [kg(sum(s.values(), Decimal("0"))) for s in stocks]))
    tables.append(
        make_table(
            "food_stock", "food", _("Stock at month end (kg)"), _end_labels(periods), stock_rows
        )
    )
    near = [food.near_expiry_on(day) for day in ends]
    tables.append(
        make_table(
            "food_near_expiry",
            "food",
            _("Lots near expiry at month end"),
            _end_labels(periods),
            [
                (_("number of lots"), [n["lots"] for n in near]),
                (_("kg"), [kg(n["kg"]) for n in near]),
            ],
            note=_("Within each storage zone's warning days of the month's last day, or past."),
        )
    )
    return tables


def food_request_tables(periods) -> list[dict]:
    """Member organisations' food requests: filled and declined per hub, kg per partner."""
    flow_columns = _flow_columns(periods)
    figures = [food.food_request_figures_between(p.start, p.end) for p in periods]
    sites = sorted({site for f in figures for site in f["by_site"]})
    rows = []
    for outcome, label in (
        ("filled", _("requests handed over")),
        ("declined", _("requests declined")),
    ):
        rows.extend(
            (
                f"{site}・{label}",
                [f["by_site"].get(site, {}).get(outcome, 0) for f in figures],
            )
            for site in sites
        )
        rows.append(
            (
                _("total %(outcome)s") % {"outcome": label},
                [sum(s.get(outcome, 0) for s in f["by_site"].values()) for f in figures],
            )
        )
    partners = sorted({name for f in figures for name in f["kg_by_partner"]})
    kg_rows = [(name, [kg(f["kg_by_partner"].get(name)) for f in figures]) for name in partners]
    kg_rows.append(
        (_("total"), [kg(sum(f["kg_by_partner"].values(), Decimal("0"))) for f in figures])
    )
    return [
        make_table(
            "food_requests",
            "food",
            _("Food requests from member organisations"),
            flow_columns,
            rows,
            note=_("Handed over in the period, or declined in it with a reason."),
        ),
        make_table(
            "food_requests_kg_by_partner",
            "food",
            _("kg handed over per food partner"),
            flow_columns,
            kg_rows,
            note=_("Through the partners' filled requests, by the day the food was handed over."),
        ),
    ]


# --- 会員間の助け合い (the needs and resources board) ------------------------------------------


def exchange_tables(periods) -> list[dict]:
    """The board's figures as exchange.selectors gives them (no post or organisation)."""
    figures = [exchange_selectors.board_figures(p.start, p.end) for p in periods]
    rows = [
        (label, [f[key] for f in figures])
        for key, label in (
            ("needs_posted", _("needs posted")),
            ("offers_posted", _("offers posted")),
            ("matched", _("exchanges matched")),
            ("done", _("exchanges done")),
            ("withdrawn", _("exchanges withdrawn")),
        )
    ]
    return [
        make_table(
            "exchange_board",
            "exchange",
            _("Needs and offers on the board"),
            _flow_columns(periods),
            rows,
            note=_("Posts on the needs and resources board, and exchanges by what they reached."),
        )
    ]


# --- 地域協議会 ---------------------------------------------------------------------------------


def council_tables(periods) -> list[dict]:
    """Only council.selectors' suppressed aggregates, never a case: each column (the fiscal
    year to date too) is counted over its whole period by the council and suppressed there."""
    aggregates = [
        council_selectors.case_aggregates_between(start=p.start, end=p.end) for p in periods
    ]
    columns = _flow_columns(periods)
    tables = []
    for measure, key, title in (
        ("opened", "council_opened", _("Cases opened")),
        ("closed", "council_closed", _("Cases closed")),
    ):
        parts = [a[measure] for a in aggregates]
        rows = [(_("total"), [p["total"] for p in parts])]
        for part_key, prefix in (
            ("by_municipality", _("municipality")),
            ("by_route", _("route")),
            ("by_category", _("consultation category")),
        ):
            names = sorted({name for p in parts for name in p[part_key]})
            rows.extend(
                (f"{prefix}：{name}", [p[part_key].get(name, 0) for p in parts]) for name in names
            )
        tables.append(
            make_table(
                key,
                "council",
                title,
                columns,
                rows,
                note=_(
                    "Counts from 1 to 4 are shown as 「5未満」, in each period as a whole "
                    "(the fiscal year is not a sum of months)."
                ),
            )
        )
    return tables


def council_examples(periods) -> list[dict]:
    """Approved anonymised 事例 of the month: title and text only, as the council gives them."""
    first = periods[0]
    return [
        {"title": example["title"], "body": example["body"]}
        for example in council_selectors.case_examples_approved_between(first.start, first.end)
    ]


# --- Charts -----------------------------------------------------------------------------------


def chart_series(first: datetime.date) -> dict:
    """Series for the charts: supporters against target per district (month end), kg in and
    out per month of the fiscal year, members at each of the last twelve month ends."""
    end = month_end(first)
    fy_start = datetime.date(fiscal_year_of(first), 4, 1)
    districts = supporters.district_figures(new_from=first, new_to=end, on=end)
    monthly = food.food_monthly_in_out(fy_start, end)
    months = []
    day = fy_start
    while day <= first:
        figures = monthly.get(day, {})
        months.append(
            {
                "label": f"{day.month}月",
                "received": float(figures.get("received", 0)),
                "distributed": float(figures.get("distributed", 0)),
                "disposed": float(figures.get("disposed", 0)),
            }
        )
        day = add_months(day, 1)
    member_points = []
    for back in range(11, -1, -1):
        month = add_months(first, -back)
        counts = members.member_counts_on(month_end(month))
        member_points.append(
            {"label": f"{month.year % 100:02d}/{month.month}", "total": counts["total"]}
        )
    return {
        "districts": [
            {
                "label": f"{d['municipality']} {d['district']}",
                "count": d["counted"],
                "target": d["target"],
            }
            for d in districts
        ],
        "food_months": months,
        "members": member_points,
    }


# --- The whole snapshot -----------------------------------------------------------------------


def monthly_snapshot(first: datetime.date, *, progress=None) -> dict:
    """Every figure of the month starting `first`, as JSON. `progress(percent)` is called after
    each section so the admin can show how far the build has come."""
    with translation.override("ja"):
        return _monthly_snapshot(first, progress)


def _monthly_snapshot(first, progress):
    periods = report_periods(first)
    tables = []
    steps = [members_tables, supporters_tables, food_tables, exchange_tables, council_tables]
    for index, build in enumerate(steps, start=1):
        tables.extend(build(periods))
        if progress:
            progress(10 + 60 * index // len(steps))
    return {
        "as_of": month_end(first).isoformat(),
        "month": first.isoformat(),
        "heading": wareki_month(first),
        "fiscal_year": fiscal_year_of(first),
        "fiscal_year_label": format_wareki_fiscal_year(fiscal_year_of(first)),
        "periods": [
            {"key": p.key, "start": p.start.isoformat(), "end": p.end.isoformat(), "label": p.label}
            for p in periods
        ],
        "tables": tables,
        "council_examples": council_examples(periods),
        "charts": chart_series(first),
    }
