"""Prove that the monthly supporter roll-up (supporters.rollups.SupporterMonth) equals the
supporters counted the same way, and each session's attendance count (SessionAttendanceCount)
its attendances.

Exit status 0 when they agree, 1 (with the rows that differ) when not. `--rebuild` recomputes the
roll-up and the counts first (after a restore, a raw change, or to backfill).
"""

from django.core.management.base import BaseCommand, CommandError

from supporters.services.rollups import (
    attendance_count_differences,
    attendance_count_rebuild,
    rollup_differences,
    rollup_rebuild,
)

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Check the monthly supporter roll-up and the attendance counts (--rebuild recomputes them)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="recompute the roll-up and the attendance counts first",
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            rows = rollup_rebuild()
            self.stdout.write(f"Roll-up rebuilt from the supporters: {rows} rows.")
            sessions = attendance_count_rebuild()
            self.stdout.write(f"Attendance counts rebuilt: {sessions} sessions.")
        counts = attendance_count_differences()
        for difference in counts[:SHOWN]:
            self.stderr.write(
                f"session {difference['session_id']}: attendances {difference['attendances']}, "
                f"kept count {difference['kept']}"
            )
        differences = rollup_differences()
        for difference in differences[:SHOWN]:
            self.stderr.write(
                f"{difference['key']}: supporters {difference['supporters']}, "
                f"roll-up {difference['rollup']}"
            )
        problems = [f"{len(counts)} session attendance count(s)"] if counts else []
        problems += [f"{len(differences)} roll-up row(s)"] if differences else []
        if problems:
            raise CommandError(
                " and ".join(problems) + " disagree; run with --rebuild to recompute them."
            )
        self.stdout.write(
            self.style.SUCCESS("The monthly supporter roll-up and the attendance counts agree.")
        )
