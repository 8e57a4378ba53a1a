"""The import rules of STYLE.md, enforced: entry points → workflows → domains → accounts and
engines → the Saleor connection → core (setup.cfg), with nothing imported inside a function to
dodge them."""
import ast
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


def _function_level_imports_of_ours(path: Path) -> list[str]:
    """`path:line` of every import of a saleor_netterms module (absolute or relative) that runs inside
    a function or a method. Exempt: an app's `AppConfig.ready()` in apps.py importing its own package
    (Django runs ready() once the models are loaded; the module it registers cannot be imported
    before that)."""
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Lambda):
                inner = "<lambda>"
            if function is not None and isinstance(child, (ast.Import, ast.ImportFrom)):
                names = ([child.module or ""] if isinstance(child, ast.ImportFrom) else
                         [alias.name for alias in child.names])
                relative = isinstance(child, ast.ImportFrom) and child.level > 0
                ours = relative or any(name.split(".")[0] == "saleor_netterms" for name in names)
                app_ready = path.name == "apps.py" and function == "ready" and relative and child.level == 1
                if ours and not app_ready:
                    found.append(f"{path.relative_to(ROOT)}:{child.lineno}")
            visit(child, inner)

    visit(ast.parse(path.read_text()), None)
    return found


def test_no_function_level_import_of_our_modules_relative_ones_included():
    # given: every module, management commands included (migrations are generated)
    sources = [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]

    # when
    found = [where for path in sources for where in _function_level_imports_of_ours(path)]

    # then
    assert found == []


def test_the_function_level_import_scan_finds_what_it_should():
    # given: a module with each kind, under a stand-in for the package root
    module = ROOT / "saleor_netterms" / "_scan_probe.py"
    try:
        module.write_text(
            "from saleor_netterms.core import money\n"          # module level: fine
            "def f():\n"
            "    from .core import money\n"                     # relative, in a function
            "    from saleor_netterms.core.money import Money\n"  # absolute, in a function
            "    import saleor_netterms.core.errors\n"
            "    import json\n"                                # not ours: fine
            "class C:\n"
            "    def ready(self):\n"
            "        from . import tasks\n")                     # ready() outside apps.py: found

        # when
        found = _function_level_imports_of_ours(module)
    finally:
        module.unlink()

    # then
    assert [where.rsplit(":", 1)[1] for where in found] == ["3", "4", "5", "9"]


# One writer per fact (README "One writer per fact"): the models of a fact are created, updated and
# deleted, through the ORM or in SQL, by one module only. Receivables have a stricter scan that also
# catches saves and field assignments (tests/receivables/test_services.py).
ONE_WRITER = {
    "ledger/services.py": (("Posting", "Entry", "Account"), ("ledger_posting", "ledger_entry", "ledger_account")),
    "invoicing/services.py": (("Invoice",), ("invoicing_invoice",)),
    "payments/services.py": (("Payment", "PaymentAllocation"), ("payments_payment", "payments_paymentallocation")),
    "companies/services.py": (("Company", "Member", "CreditLimit"), ("companies_company", "companies_member",
                                                                    "companies_creditlimit")),
    "checkout/services.py": (("NetTermsTransaction",), ("checkout_nettermstransaction",)),
    "approvals/services.py": (("ApprovalRequest",), ("approvals_approvalrequest",)),
    "decisions/services.py": (("DecisionRecord",), ("decisions_decisionrecord",)),
    "audit/services.py": (("AuditEntry",), ("audit_auditentry",)),
    "outbox/services.py": (("OutboxMessage",), ("outbox_outboxmessage",)),
}


def _write_pattern(models: tuple[str, ...], tables: tuple[str, ...]) -> re.Pattern:
    model = "|".join(models)
    return re.compile(
        rf"\b(?:{model})\.objects\.(?:create|bulk_create|bulk_update|get_or_create|update_or_create|update|delete)\("
        rf"|\b(?:{model})\.objects\.(?:filter|exclude|select_for_update|all)\([^\n]*?\)\.(?:update|delete)\("
        rf"|\b(?:{model})\((?!\))"  # an instance built to be saved
        rf"|(?:INSERT INTO|UPDATE|DELETE FROM)\s+(?:{'|'.join(tables)})\b")


def test_each_fact_has_one_writer():
    # given
    sources = {str(path.relative_to(PACKAGE)): path.read_text() for path in PACKAGE.rglob("*.py")
               if "migrations" not in path.parts and path.name != "models.py"}

    # when
    writers = {writer: sorted(name for name, text in sources.items() if _write_pattern(*facts).search(text))
               for writer, facts in ONE_WRITER.items()}

    # then
    assert writers == {writer: [writer] for writer in ONE_WRITER}


def test_the_one_writer_scan_finds_each_kind_of_write():
    pattern = _write_pattern(("Posting",), ("ledger_posting",))
    for line in ["Posting.objects.create(kind='hold')", "Posting.objects.filter(pk=1).update(memo='x')",
                 "posting = Posting(pk=1, kind='hold')", "cursor.execute('UPDATE ledger_posting SET memo = 1')"]:
        assert pattern.search(line), line
    for line in ["Posting.objects.filter(pk=1).first()", "isinstance(p, Posting)", "BankPosting.objects.create()"]:
        assert not pattern.search(line), line
