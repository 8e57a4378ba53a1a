"""In CI (``CI=true``) a skipped `browser` test fails the run; the summary says how they went."""
import os

import pytest


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped browser test is a failure: CI must prove the pages work in a real browser."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _in_ci() and item.get_closest_marker("browser") is not None:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI (CI=true), which fails the run: {reason}"


def pytest_terminal_summary(terminalreporter):
    """One line saying how the browser tests went, so CI output shows they ran."""
    counts: dict[str, int] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if report.when == "call" or outcome != "passed":
                if "browser" in getattr(report, "keywords", {}):
                    counts[outcome] = counts.get(outcome, 0) + 1
    if counts:
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
        terminalreporter.write_line(f"browser tests (headless Chromium): {summary}")
