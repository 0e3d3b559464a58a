"""Re-encrypt every council value with the newest key of COUNCIL_ENCRYPTION_KEYS.

Rotation: generate a key, put it FIRST in COUNCIL_ENCRYPTION_KEYS (keep the old ones after it),
restart, run this command, then remove the old key.
"""

from django.core.management.base import BaseCommand

from council.services import rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt council case data with the newest COUNCIL_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        rewritten = rotate_keys()
        self.stdout.write(f"Re-encrypted {rewritten} values with the newest key.")
