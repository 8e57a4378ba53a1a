"""The CI rule: with CI=true a skipped browser test fails the run; outside CI it stays a skip with its reason."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SAMPLE = '''
import pytest

pytestmark = pytest.mark.browser

@pytest.mark.skipif(True, reason="no Chromium on PATH")
def test_page_in_browser():
    pass

def test_page_skipped_inside():
    pytest.skip("browser did not start")

def test_runs():
    assert "chromium".upper() == "CHROMIUM"  # a sample browser test that runs and passes
'''

OTHER = '''
import pytest

def test_not_a_browser_test():
    pytest.skip("needs ../shared")
'''


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample_browser.py").write_text(SAMPLE)
    (tmp_path / "test_sample_other.py").write_text(OTHER)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: a browser test\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.ci_browser", "-q", "-rA",
                           "-p", "no:cacheprovider", "-p", "no:django", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_in_ci_a_skipped_browser_test_fails_the_run(tmp_path):
    result = _run(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed, 1 skipped, 1 error" in result.stdout
    assert "browser test skipped in CI (CI=true), which fails the run: Skipped: no Chromium on PATH" in result.stdout
    assert "browser test skipped in CI (CI=true), which fails the run: Skipped: browser did not start" in result.stdout
    assert "browser tests (headless Chromium): 1 error, 1 failed, 1 passed" in result.stdout


def test_outside_ci_a_browser_test_skips_with_its_reason(tmp_path):
    result = _run(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 3 skipped" in result.stdout
    assert "SKIPPED [1] test_sample_browser.py:6: no Chromium on PATH" in result.stdout
    assert "browser tests (headless Chromium): 1 passed, 2 skipped" in result.stdout


def test_ci_false_is_not_ci(tmp_path):
    result = _run(tmp_path, "false")
    assert result.returncode == 0, result.stdout
