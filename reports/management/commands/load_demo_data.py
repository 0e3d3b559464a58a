"""Load the area's municipalities and a few sample records. Safe to run any number of times.

Each app keeps its own demo data in `<app>/demo.py` with a `load(municipalities)` function; this
command, in the reports app above the domain apps, calls them in dependency order.
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import demo as core_demo
from foodhub import demo as foodhub_demo
from members import demo as members_demo
from supporters import demo as supporters_demo

# Apps whose demo may not exist yet: loaded when `<app>.demo.load` is there.
OPTIONAL_DEMOS = ["council.demo"]


class Command(BaseCommand):
    help = "Load the seven municipalities and sample records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-user",
            action="store_true",
            help=(
                f"Also create the secretariat demo login {core_demo.DEMO_EMAIL} (development only)."
            ),
        )

    @transaction.atomic
    def handle(self, *args, demo_user=False, **options):
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
            core_demo.load_demo_user()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))


def _optional_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # the module exists but one of its own imports is missing
            raise
        return None
