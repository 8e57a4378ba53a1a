"""Write the app's GraphQL SDL to saleor_netterms/api/schema.graphql (`make schema`).

The file is committed; tests/app_protocol/test_api_schema.py fails when it is stale."""
from pathlib import Path

from django.core.management.base import BaseCommand

from saleor_netterms.api.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent.parent / "schema.graphql"


def schema_sdl() -> str:
    return str(schema).rstrip("\n") + "\n"


class Command(BaseCommand):
    help = "Export the app's GraphQL schema (SDL) to saleor_netterms/api/schema.graphql."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Exit non-zero if the committed file is stale; write nothing.")

    def handle(self, *args, check: bool = False, **options):
        sdl = schema_sdl()
        current = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else None
        if check:
            if current != sdl:
                self.stderr.write(f"{SCHEMA_FILE} is stale: run `make schema`")
                raise SystemExit(1)
            self.stdout.write("schema up to date")
            return
        if current != sdl:
            SCHEMA_FILE.write_text(sdl)
            self.stdout.write(f"wrote {SCHEMA_FILE}")
        else:
            self.stdout.write(f"{SCHEMA_FILE} already up to date")
