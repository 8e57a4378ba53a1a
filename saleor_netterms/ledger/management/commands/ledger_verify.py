"""``manage.py ledger_verify [--installation ID]``: recompute balances and every cached figure
from the postings; print each mismatch and exit 1 if there is any (``ledger.verification``)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from saleor_netterms.ledger.verification import CHECKS, ledger_verify


class Command(BaseCommand):
    help = "Recompute the ledger's balances and cached figures from postings; exit 1 on any mismatch."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--installation", type=int, default=None,
                            help="only this installation's accounts (default: all)")

    def handle(self, *args, installation: int | None = None, **options) -> None:
        mismatches = ledger_verify(installation_id=installation)
        for mismatch in mismatches:
            self.stdout.write(str(mismatch))
        names = ", ".join(check.name for check in CHECKS)
        if mismatches:
            raise CommandError(f"ledger_verify: {len(mismatches)} mismatch(es) ({len(CHECKS)} checks: {names})",
                               returncode=1)
        self.stdout.write(f"ledger_verify: 0 mismatches ({len(CHECKS)} checks: {names})")
