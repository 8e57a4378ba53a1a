"""The import rules of STYLE.md, enforced: entrypoints → domain → ledger and pure cores."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    # given
    lint_imports = Path(sys.executable).with_name("lint-imports")

    # when
    result = subprocess.run([str(lint_imports), "--config", str(ROOT / "setup.cfg")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = (ROOT / "setup.cfg").read_text().count("[importlinter:contract:")
    assert f"Contracts: {contracts} kept, 0 broken." in result.stdout
