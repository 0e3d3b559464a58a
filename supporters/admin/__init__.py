"""The secretariat's screens for the supporter scheme. Actions and forms call services; every
admin write goes through a service (core.admin_base.ServiceModelAdmin).

By sub-domain: places (districts, rules, consent texts, dashboard), trainings (sessions,
attendance, certificates, つながりミーティング), people (supporters, sign-ups, attendance,
certificates), notices; `base` holds what they share. Importing the modules registers them.
"""

from . import notices, people, places, trainings
from .base import SupportersModelAdmin

__all__ = ["SupportersModelAdmin", "notices", "people", "places", "trainings"]
