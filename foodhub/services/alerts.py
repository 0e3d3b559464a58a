"""Reminders to the food hubs: near-expiry alerts to each site's operators."""

from collections import defaultdict

from django.utils.translation import gettext as _

from core.notifications import notify

from ..models import SiteOperator
from ..selectors import near_expiry_lots


def near_expiry_alerts_send(*, today) -> int:
    """Warn each site's operators, once a day per zone, of lots within the zone's warning days
    (or past their date). Returns the number of e-mails sent now (a re-run sends none)."""
    by_zone = defaultdict(list)
    for lot in near_expiry_lots(today=today):
        by_zone[lot.zone].append(lot)
    if not by_zone:
        return 0
    operators = defaultdict(list)
    for site_id, email in (
        SiteOperator.objects.filter(
            site__in={zone.site_id for zone in by_zone}, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("site_id", "user__email")
        .order_by("site_id", "user__email")
    ):
        operators[site_id].append(email)

    sent = 0
    for zone, lots in sorted(by_zone.items(), key=lambda pair: pair[0].pk):
        for email in operators[zone.site_id]:
            sent += notify(
                purpose="foodhub.near_expiry",
                target=zone,
                period=today.isoformat(),
                recipient=email,
                subject=_("[Food hub] %(zone)s: %(count)s lots near expiry")
                % {"zone": zone, "count": len(lots)},
                template_name="foodhub/email/near_expiry.txt",
                context={"zone": zone, "lots": lots, "today": today},
            )
    return sent
