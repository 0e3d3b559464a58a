"""Reads across the domain apps for reports, through their selectors only."""

from django.utils import timezone

from core.selectors import municipality_list
from foodhub import selectors as food
from members import selectors as members
from supporters import selectors as supporters


def platform_counts() -> dict:
    """Headline figures for the platform today: a fixed number of queries whatever the size."""
    today = timezone.localdate()
    member_counts = members.member_counts_on(today)
    tiers = member_counts["by_tier"]
    steering, general = tiers.get("steering", 0), tiers.get("general", 0)
    supporter_counts = {
        row["municipality"]: row["counted"]
        for row in supporters.supporter_figures_by_municipality(
            new_from=today, new_to=today, on=today
        )
    }
    sites = food.site_counts()
    return {
        "members": {"steering": steering, "general": general, "total": steering + general},
        "supporters": sum(supporter_counts.values()),
        "sites": {
            "logistics": sites["logistics"],
            "town": sites["town"],
            "total": sites["logistics"] + sites["town"],
        },
        "municipalities": [
            {
                "name": m.name,
                "prefecture": m.prefecture,
                "population": m.population,
                "households": m.households,
                "aged_65_plus_percent": (
                    str(m.aged_65_plus_percent) if m.aged_65_plus_percent is not None else None
                ),
                "community_cafeterias": m.community_cafeterias,
                "members": member_counts["by_municipality"].get(m.name, 0),
                "supporters": supporter_counts.get(m.name, 0),
                "sites": sites["by_municipality"].get(m.name, 0),
            }
            for m in municipality_list()
        ],
    }
