"""Fail closed (issue 8 §2): production is the default; it refuses to start without its settings,
naming each missing variable; a documented production configuration passes `check --deploy`."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {
    "SECRET_KEY": "k7#Qz9!vR2mX8pL4wT6yB1nC5dF3gH0jK-aS_eU@iO%rW^tY&uP*",
    "APP_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_SALEOR_API_URLS": r"https://shop\.example\.com/graphql/",
    "ALLOWED_HOSTS": "netterms.example.com",
    "APP_PUBLIC_URL": "https://netterms.example.com",
    "SECURE_PROXY_SSL_HEADER": "true",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in {"DEBUG", *PRODUCTION} and not k.startswith("SECURE_")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_without_debug_the_app_starts_in_production_and_refuses_without_its_settings():
    # when nothing is configured (DEBUG unset)
    result = _manage("check", env={})

    # then it does not start, and names every variable
    assert result.returncode != 0
    assert "refuses to start in production mode" in result.stderr
    for variable in ["SECRET_KEY", "APP_ENCRYPTION_KEYS", "ALLOWED_SALEOR_API_URLS", "ALLOWED_HOSTS",
                     "APP_PUBLIC_URL"]:
        assert f"{variable}:" in result.stderr


@pytest.mark.parametrize("variable, value", [
    ("SECRET_KEY", "dev-only-insecure-secret-key-change-me"),
    ("SECRET_KEY", "short"),
    ("APP_ENCRYPTION_KEYS", "not-a-fernet-key"),
    ("ALLOWED_SALEOR_API_URLS", ""),
    ("ALLOWED_HOSTS", ""),
    ("APP_PUBLIC_URL", ""),
])
def test_each_missing_or_unsafe_setting_alone_refuses_the_start(variable, value):
    # when
    result = _manage("check", env={**PRODUCTION, "DEBUG": "false", variable: value})

    # then
    assert result.returncode != 0
    assert f"without: {variable}:" in result.stderr


def test_the_documented_production_configuration_passes_check_deploy():
    # when
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "DEBUG": "false"})

    # then
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
