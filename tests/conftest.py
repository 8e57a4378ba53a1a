"""Shared fixtures. Tests hit the real database (PostgreSQL in CI); Saleor is a test double."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SALEOR_SCHEMA_PATH = SHARED / "saleor" / "schema.graphql"
CAPTURES_DIR = SHARED / "saleor" / "captures"


def pytest_collection_modifyitems(config, items):
    if SALEOR_SCHEMA_PATH.exists():
        return
    skip = pytest.mark.skip(reason=f"the pinned Saleor schema is not at {SALEOR_SCHEMA_PATH} (../shared absent)")
    for item in items:
        if "needs_schema" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


# Fixture modules owned by their areas: the Saleor test double and the credit factories; the CI rule for browser tests.
pytest_plugins = ["tests.fixtures_saleor", "tests.fixtures_credit", "tests.ci_browser", "tests.browser",
                  "tests.network_guard"]

