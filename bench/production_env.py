"""The environment a benchmark's Django runs in: production mode (DEBUG false: no query log, no
debug toolbar of any kind), with throwaway values for what production refuses to start without."""
from __future__ import annotations

import base64
import os


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": "saleor_netterms.settings", "DATABASE_URL": database_url,
            "DEBUG": "false", "LOG_LEVEL": "WARNING",
            "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
            "APP_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "ALLOWED_SALEOR_API_URLS": "https://bench.example.com/graphql/", "ALLOWED_HOSTS": "*",
            "APP_PUBLIC_URL": "https://netterms.bench.example.com", "SECURE_SSL_REDIRECT": "false", **extra}
