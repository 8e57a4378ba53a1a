"""Re-encrypt every installation's Saleor token with the newest key in APP_ENCRYPTION_KEYS.

Rotation: put the new key first in APP_ENCRYPTION_KEYS, deploy, run this, then drop the old key."""
from django.core.management.base import BaseCommand, CommandError

from saleor_netterms.installations.services import installation_rotate_tokens


class Command(BaseCommand):
    help = "Re-encrypt all stored Saleor app tokens with the newest APP_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        result = installation_rotate_tokens()
        self.stdout.write(f"rotated {result.rotated} token(s)")
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} token(s) could not be decrypted with any configured key: "
                f"installation ids {result.failed}")
