"""Write the ERP API's OpenAPI 3.1 document to saleor_netterms/erp_api/openapi.json (committed;
tests/erp_api/test_openapi.py fails when it is stale)."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand

from saleor_netterms.erp_api.api import openapi_document

PATH = Path(__file__).resolve().parents[2] / "openapi.json"


class Command(BaseCommand):
    help = "Export the ERP API's OpenAPI document."

    def handle(self, *args, **options):
        text = json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
        if PATH.exists() and PATH.read_text() == text:
            self.stdout.write(f"{PATH} already up to date")
            return
        PATH.write_text(text)
        self.stdout.write(f"wrote {PATH}")
