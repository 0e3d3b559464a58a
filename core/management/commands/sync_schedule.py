from django.core.management.base import BaseCommand

from core.schedule import sync_periodic_tasks


class Command(BaseCommand):
    help = (
        "Create the periodic tasks declared in kirin_pf/schedule.py in django-celery-beat "
        "(also run after every migrate). Times changed in the admin are kept unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Also put every task's time back to the declared one.",
        )

    def handle(self, *args, reset=False, **options):
        result = sync_periodic_tasks(reset=reset)
        for label, names in [
            ("created", result.created),
            ("updated", result.updated),
            ("kept (time changed in the admin)", result.kept),
        ]:
            for name in names:
                self.stdout.write(f"{label}: {name}")
        self.stdout.write(self.style.SUCCESS("Schedule in sync."))
