"""The import rules of STYLE.md, enforced: entry points → workflows → domains → accounts and
engines → the Saleor connection → core (setup.cfg), with nothing imported inside a function to
dodge them."""
import configparser
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "saleor_netterms"
# An import of one of our modules that is indented: inside a function, a method or an `if`.
INDENTED_IMPORT = re.compile(r"^[ \t]+(from saleor_netterms\.|import saleor_netterms)", re.M)


def _layers_contract() -> list[list[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    contract = config["importlinter:contract:layers"]
    assert contract["type"] == "layers"
    return [[name.strip() for name in re.split(r"[|:]", line)]
            for line in contract["layers"].strip().splitlines() if line.strip()]


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
    assert "One-way layers" in result.stdout


def test_every_package_has_its_place_in_the_layers():
    # given
    packages = sorted(f"saleor_netterms.{p.name}" for p in PACKAGE.iterdir()
                      if (p / "__init__.py").exists())

    # when
    placed = [name for layer in _layers_contract() for name in layer]

    # then: a new package adds itself to the contract (and nothing is listed twice)
    assert sorted(placed) == packages
    assert len(placed) == len(set(placed))


def test_no_import_of_our_modules_inside_functions():
    # given: migrations and management commands load lazily by design (Django imports them)
    sources = [path for path in PACKAGE.rglob("*.py")
               if "migrations" not in path.parts and "commands" not in path.parts]

    # when
    indented = [f"{path.relative_to(ROOT)}:{source[:match.start()].count(chr(10)) + 1}"
                for path in sources
                for source in [path.read_text()]
                for match in INDENTED_IMPORT.finditer(source)]

    # then
    assert indented == []
