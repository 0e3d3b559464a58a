"""Refresher reminders: active supporters whose refresher falls due within the window."""

import datetime
import logging

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from core.notifications import notify

from .. import selectors

logger = logging.getLogger(__name__)


def refresher_reminders_send(*, on: datetime.date) -> int:
    """E-mail active supporters whose refresher falls due within the reminder window.

    One e-mail per supporter and due date: a new training moves the due date and so a later
    reminder is a new one.
    """
    rules = selectors.rules_in_force_or_none(on)
    if rules is None:
        logger.warning("No supporter rule set in force on %s: no refresher reminders", on)
        return 0
    calendar_url = settings.SITE_URL.rstrip("/") + reverse("supporters:training-list")
    sent = 0
    for supporter in selectors.supporters_for_refresher_reminder(on, rules):
        due_on = selectors.refresher_due_on(supporter, rules)
        sent += notify(
            purpose="supporters.refresher_reminder",
            target=supporter,
            period=due_on.isoformat(),
            recipient=supporter.email,
            subject=_("[Tsunagari supporters] Time for your refresher training"),
            template_name="supporters/email/refresher_reminder.txt",
            context={"supporter": supporter, "due_on": due_on, "site_url": calendar_url},
        )
    return sent
