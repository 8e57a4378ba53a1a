#!/usr/bin/env python
import os
import sys

# Commands that only read or write the repository's own files (never serve, never touch a secret)
# run in development mode unless told otherwise, so a checkout can regenerate its committed
# artefacts without production secrets. Everything else starts in production mode unless DEBUG is
# set (saleor_netterms/settings.py refuses a production start without its settings).
REPOSITORY_COMMANDS = {"makemigrations", "export_api_schema", "webhook_schemas_publish"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_netterms.settings")
    if len(sys.argv) > 1 and sys.argv[1] in REPOSITORY_COMMANDS:
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
