"""Geometry for the monthly report's hand-written SVG charts (reports/monthly/_charts.html).

The template draws; this computes where: bar lengths, axis ticks and line points in the SVG's
own coordinates, so the same charts print in the PDF (WeasyPrint renders inline SVG) and show
on the admin page without any JavaScript.
"""

import math

from django import template

register = template.Library()

WIDTH = 680
LABEL_WIDTH = 170
ROW = 15


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _ticks(top: float) -> list[float]:
    """Gridlines from 0 to `top` on round steps (whole numbers whenever `top` is one)."""
    for count in (5, 4, 2, 1):
        step = top / count
        if top < 1 or step == int(step):
            return [step * i for i in range(count + 1)]
    return [top * i / 4 for i in range(5)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def district_chart(rows: list[dict]) -> dict:
    """Horizontal bars: supporters per district, with the target as a tick mark."""
    plot = WIDTH - LABEL_WIDTH - 50
    top = nice_max(max([r["count"] for r in rows] + [r["target"] for r in rows] + [1]))
    bars = []
    for index, row in enumerate(rows):
        y = 24 + index * ROW
        bars.append(
            {
                "label": row["label"],
                "y": y,
                "text_y": y + ROW - 5,
                "width": round(plot * row["count"] / top, 1),
                "target_x": round(LABEL_WIDTH + plot * row["target"] / top, 1),
                "has_target": row["target"] > 0,
                "value_x": round(LABEL_WIDTH + plot * row["count"] / top + 3, 1),
                "count": row["count"],
                "target": row["target"],
                "reached": row["target"] and row["count"] >= row["target"],
            }
        )
    height = 24 + len(rows) * ROW + 24
    return {
        "width": WIDTH,
        "height": height,
        "label_width": LABEL_WIDTH,
        "axis_y": height - 22,
        "bar_height": ROW - 4,
        "bars": bars,
        "ticks": [
            {"x": round(LABEL_WIDTH + plot * t / top, 1), "text": _number(t)} for t in _ticks(top)
        ],
    }


SERIES = [
    ("received", "#2b6cb0"),
    ("distributed", "#38a169"),
    ("disposed", "#c53030"),
]


def food_chart(months: list[dict]) -> dict:
    """Grouped vertical bars per month of the fiscal year: kg received, distributed, disposed."""
    left, bottom, height = 60, 200, 170
    slots = 12  # a whole fiscal year's width, so charts of different months line up
    slot = (WIDTH - left - 10) / slots
    bar = slot / 4
    top = nice_max(max([m[k] for m in months for k, _c in SERIES] + [1]))
    groups = []
    for index, month in enumerate(months):
        x0 = left + index * slot + bar / 2
        groups.append(
            {
                "label": month["label"],
                "label_x": round(left + index * slot + slot / 2, 1),
                "bars": [
                    {
                        "x": round(x0 + i * bar, 1),
                        "y": round(bottom - height * month[key] / top, 1),
                        "height": round(height * month[key] / top, 1),
                        "colour": colour,
                        "value": month[key],
                    }
                    for i, (key, colour) in enumerate(SERIES)
                ],
            }
        )
    return {
        "width": WIDTH,
        "height": bottom + 40,
        "left": left,
        "bottom": bottom,
        "bar_width": round(bar, 1),
        "groups": groups,
        "ticks": [
            {"y": round(bottom - height * t / top, 1), "text": _number(t)} for t in _ticks(top)
        ],
        "legend_y": bottom + 34,
    }


def members_chart(points: list[dict]) -> dict:
    """A line of members at each month end over the last twelve months."""
    left, bottom, height = 60, 170, 140
    step = (WIDTH - left - 30) / max(len(points) - 1, 1)
    top = nice_max(max([p["total"] for p in points] + [1]))
    placed = [
        {
            "x": round(left + i * step, 1),
            "y": round(bottom - height * p["total"] / top, 1),
            "label": p["label"],
            "total": p["total"],
        }
        for i, p in enumerate(points)
    ]
    return {
        "width": WIDTH,
        "height": bottom + 30,
        "left": left,
        "bottom": bottom,
        "points": placed,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in placed),
        "ticks": [
            {"y": round(bottom - height * t / top, 1), "text": _number(t)} for t in _ticks(top)
        ],
    }


def charts_context(charts: dict) -> dict:
    return {
        "districts": district_chart(charts["districts"]),
        "food": food_chart(charts["food_months"]),
        "members": members_chart(charts["members"]),
    }


@register.inclusion_tag("reports/monthly/_charts.html")
def monthly_charts(charts):
    return charts_context(charts)
