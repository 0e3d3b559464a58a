"""Reads across the domain apps for reports. The only place allowed to combine them."""

from django.db.models import Count, Q

from core.selectors import municipality_list
from foodhub.models import Site
from members.models import Membership
from supporters.models import Supporter


def platform_counts() -> dict:
    """Headline figures for the platform: a fixed number of queries whatever the data size."""
    members = Membership.objects.active().aggregate(
        steering=Count("pk", filter=Q(tier=Membership.Tier.STEERING)),
        general=Count("pk", filter=Q(tier=Membership.Tier.GENERAL)),
    )
    sites = Site.objects.aggregate(
        logistics=Count("pk", filter=Q(kind=Site.Kind.LOGISTICS_HUB)),
        town=Count("pk", filter=Q(kind=Site.Kind.TOWN_HUB)),
    )
    by_municipality = municipality_list().annotate(
        supporter_count=Count(
            "supporters",
            filter=Q(supporters__status__in=Supporter.COUNTED_STATUSES),
            distinct=True,
        ),
        member_count=Count(
            "organisations__memberships",
            filter=Q(organisations__memberships__ended_on__isnull=True),
            distinct=True,
        ),
        site_count=Count("food_sites", distinct=True),
    )
    return {
        "members": {**members, "total": members["steering"] + members["general"]},
        "supporters": Supporter.objects.counted().count(),
        "sites": {**sites, "total": sites["logistics"] + sites["town"]},
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
                "members": m.member_count,
                "supporters": m.supporter_count,
                "sites": m.site_count,
            }
            for m in by_municipality
        ],
    }
