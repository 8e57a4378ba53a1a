"""Every document of the corpus (corpus.py) against the official business rules: CEN EN 16931
1.3.16 (UBL and CII), Peppol BIS Billing 3.0.19 (UBL) and the Factur-X 1.09.2 EN 16931 rules
(CII): 0 fatal and 0 error findings. Warnings are printed (run with -s or -rP to see them);
a failure lists the findings by rule id. The XSD checks run too (render_ubl / render_facturx)."""
from __future__ import annotations

import pytest

from saleor_netterms.invoicing.documents.facturx import facturx_xml, facturx_xml_check
from saleor_netterms.invoicing.documents.ubl import render_ubl

from . import official_rules
from .corpus import CASES

pytestmark = pytest.mark.skipif(not official_rules.available(), reason=official_rules.SKIP_REASON)


def _check(case: str, ruleset: str, xml: bytes) -> None:
    found = official_rules.findings(ruleset, xml)
    for warning in (f for f in found if not f.is_error):
        print(f"{case}: {warning}")
    errors = sorted((f for f in found if f.is_error), key=lambda f: f.rule)
    assert not errors, f"{case} / {ruleset}: {len(errors)} error(s):\n" + "\n".join(map(str, errors))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_ubl_passes_cen_and_peppol_rules(case):
    # given a document of the corpus, rendered as Peppol UBL (XSD-checked by render_ubl)
    xml = render_ubl(CASES[case]())

    # when / then
    _check(case, "cen-ubl", xml)
    _check(case, "peppol-ubl", xml)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_factur_x_cii_passes_cen_and_factur_x_rules(case):
    # given the same document as Factur-X CII
    xml = facturx_xml(CASES[case]())
    facturx_xml_check(xml)

    # when / then
    _check(case, "cen-cii", xml)
    _check(case, "facturx-cii", xml)


def test_a_broken_document_is_reported_by_rule_id():
    # given a corpus document whose payable amount was tampered with
    xml = render_ubl(CASES["domestic_de"]()).replace(b"<cbc:PayableAmount currencyID=\"EUR\">",
                                                     b"<cbc:PayableAmount currencyID=\"EUR\">1")

    # when
    found = official_rules.findings("cen-ubl", xml)

    # then
    assert [f.rule for f in found if f.is_error] == ["BR-CO-16"]


def test_a_buyer_tax_number_written_as_fc_is_reported_by_the_factur_x_rules():
    # given a corpus CII whose buyer VAT id is marked as a tax number (schemeID FC)
    xml = facturx_xml(CASES["discount"]())
    at = xml.rindex(b'schemeID="VA"')  # the buyer's SpecifiedTaxRegistration comes last
    xml = xml[:at] + b'schemeID="FC"' + xml[at + len(b'schemeID="VA"'):]

    # when
    found = official_rules.findings("facturx-cii", xml)

    # then
    assert [f.rule for f in found if f.is_error] == ["FX-SCH-A-000570"]
