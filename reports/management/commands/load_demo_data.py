"""Load the area's municipalities and a few sample records. Safe to run any number of times.

Each app keeps its own demo data in `<app>/demo.py` with a `load(municipalities)` function; this
command, in the reports app above the domain apps, calls them in dependency order.
"""

import importlib
import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core import demo as core_demo
from core import roles
from foodhub import demo as foodhub_demo
from members import demo as members_demo
from supporters import demo as supporters_demo

# Apps whose demo may not exist yet: loaded when `<app>.demo.load` is there.
OPTIONAL_DEMOS = ["council.demo", "exchange.demo"]


class Command(BaseCommand):
    help = "Load the seven municipalities and sample records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--last-month",
            action="store_true",
            help=(
                "With --demo-user: also run last month at the food hubs (foodhub_demo_month) "
                "and a partner's food requests, so last month's monthly report has every section."
            ),
        )
        parser.add_argument(
            "--demo-user",
            action="store_true",
            help=(
                f"Also create one demo login per staff role ({core_demo.DEMO_EMAIL} for the "
                "secretariat; development only)."
            ),
        )

    @transaction.atomic
    def handle(self, *args, demo_user=False, last_month=False, **options):
        if demo_user and not settings.DEBUG:
            raise CommandError(
                "--demo-user is for development only: it creates a login whose password is in "
                "the repository. Set DEBUG=true on a development machine; production refuses it."
            )
        municipalities = core_demo.load()
        members_demo.load(municipalities)
        supporters_demo.load(municipalities)
        foodhub_demo.load(municipalities)
        for module_name in OPTIONAL_DEMOS:
            load = getattr(_optional_module(module_name), "load", None)
            if load is not None:
                load(municipalities)
        if demo_user:
            accounts = core_demo.load_demo_users()
            foodhub_demo.assign_demo_operator(accounts[roles.HUB_OPERATOR])
            if last_month:
                self._last_month_of_food(accounts[roles.SECRETARIAT])
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if demo_user:
            self.stdout.write(f"Demo logins (password {core_demo.DEMO_PASSWORD}):")
            for role, user in accounts.items():
                self.stdout.write(f"  {user.email:<40} {role}")
            council = core_demo.demo_accounts().filter(groups__name=roles.COUNCIL_MEMBER)
            for email in council.order_by("pk").values_list("email", flat=True)[:1]:
                self.stdout.write(f"  {email:<40} {roles.COUNCIL_MEMBER}")

    def _last_month_of_food(self, actor):
        """Last month at the hubs (donations, transfers, distributions, a disposal, a
        stocktake) and a partner's food requests, so the monthly report built on the 1st has
        every section: needs the demo secretariat login, hence only with --demo-user, and
        asked for (--last-month): foodhub_demo_month runs months in calendar order, so a later
        run of an earlier month would find the stock already moved. Once per month."""
        call_command("foodhub_demo_month", actor=actor.username, stdout=io.StringIO())
        foodhub_demo.load_last_month_requests(today=timezone.localdate(), actor=actor)


def _optional_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # the module exists but one of its own imports is missing
            raise
        return None
