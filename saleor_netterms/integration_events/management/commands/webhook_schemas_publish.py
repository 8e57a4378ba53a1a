"""Record the committed event schemas in webhooks/published.lock.json, refusing breaking changes.

Run it after adding a schema version or making a compatible change (an optional property, a
description). A breaking change must be a new file (`<type>.v<N+1>.json`) instead."""
import json

from django.core.management.base import BaseCommand, CommandError

from saleor_netterms.integration_events import catalogue
from saleor_netterms.integration_events.compat import schema_breaking_changes


class Command(BaseCommand):
    help = "Add new or compatibly changed webhook schemas to webhooks/published.lock.json."

    def handle(self, *args, **options):
        lock_path = catalogue.schema_dir() / "published.lock.json"
        lock = json.loads(lock_path.read_text()) if lock_path.exists() else {}
        problems = []
        for name in catalogue.schema_names():
            schema = json.loads((catalogue.schema_dir() / f"{name}.json").read_text())
            if name in lock:
                problems += [f"{name} {p}" for p in schema_breaking_changes(lock[name], schema)]
            lock[name] = schema
        missing = sorted(set(lock) - set(catalogue.schema_names()))
        problems += [f"{name}: a published schema was deleted" for name in missing]
        if problems:
            raise CommandError("breaking changes (make a new version instead):\n" + "\n".join(problems))
        lock_path.write_text(json.dumps(dict(sorted(lock.items())), indent=2) + "\n")
        self.stdout.write(f"{len(lock)} schemas in {lock_path.name}")
