"""`manage.py collections_run [--dry-run] [--installation ID]`: the daily collections run now (the
beat job runs it hourly). A dry run prints exactly what would happen and writes nothing."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from saleor_netterms.collections.services import collections_run
from saleor_netterms.installations.models import Installation, InstallationStatus


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")
        parser.add_argument("--installation", type=int, help="only this installation id")

    def handle(self, *args, dry_run=False, installation=None, **options):
        installations = Installation.objects.filter(status=InstallationStatus.ACTIVE)
        if installation:
            installations = installations.filter(pk=installation)
        for inst in installations:
            report = collections_run(installation=inst, dry_run=dry_run)
            self.stdout.write(f"{inst.saleor_api_url}: {report.decided} companies decided in "
                              f"{report.decision_seconds:.2f} s, {report.acted} acted on"
                              f"{' (dry run: nothing written)' if dry_run else ''}")
            for outcome in report.outcomes:
                for step in outcome.steps:
                    self.stdout.write(f"  {outcome.company}: [{step['kind']}] {step['summary']}")
