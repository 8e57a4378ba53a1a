"""Finding the payer by name when the bank writes it its own way (issue 11: "the company by payer
IBAN or name"): legal forms, umlauts, accents, '&' and a name cut at the bank's field length.
A name alone only ever suggests — a person confirms."""
from __future__ import annotations

import pytest

from saleor_netterms.payments.models import Payment
from saleor_netterms.reconciliation.matching import NameIndex, name_key
from saleor_netterms.reconciliation.models import IncomingPayment, IncomingStatus, PayerIdentity, PayerKind
from saleor_netterms.reconciliation.selectors import payer_companies
from saleor_netterms.reconciliation.services import incoming_confirm, payment_intake

from .conftest import TODAY, open_amount, usd


@pytest.mark.parametrize("written, company", [
    ("Müller & Söhne GmbH & Co. KG", "MUELLERSOEHNE"),
    ("MUELLER UND SOEHNE", "MUELLERSOEHNE"),
    ("Société Générale S.A.", "SOCIETEGENERALE"),
    ("ACME INDUSTRIAL SUPPLY LTD.", "ACMEINDUSTRIALSUPPLY"),
    ("The Bolt Company Inc", "BOLT"),
    ("AG", "AG"),                         # nothing but a legal form: kept rather than emptied
])
def test_name_key_forgives_legal_forms_accents_and_spelling(written, company):
    assert name_key(written) == company


INDEX = NameIndex.build([(1, "Acme Industrial Supply GmbH"), (2, "Acme Industrial Services Ltd"),
                         (3, "Müller & Söhne KG"), (4, "Bolt"), (5, "Nordwind Handel GmbH"),
                         (6, "Nordwind Handel AG")])


@pytest.mark.parametrize("payer, companies", [
    ("ACME INDUSTRIAL SUPPLY", [1]),                  # legal form left out by the bank
    ("ACME INDUSTRIAL SUPP", [1]),                    # cut at the bank's field length
    ("ACME INDUSTRIAL S", []),                        # cut too short to tell Supply from Services
    ("Acme Industrial Supply GmbH Hamburg", [1]),     # the payer added the city
    ("MUELLER UND SOEHNE", [3]),
    ("BOLT", [4]),
    ("BOLTON ENGINEERING", []),                       # a short key never matches as a prefix
    ("NORDWIND HANDEL", [5, 6]),                      # two companies of that name: both, for a person
    ("", []),
])
def test_the_name_index_finds_the_company_only_when_the_name_says_which(payer, companies):
    assert INDEX.find(payer) == companies


@pytest.mark.django_db
def test_a_transfer_from_the_companys_name_as_the_bank_writes_it_is_suggested_not_booked(acme, bank_account,
                                                                                        invoice_for):
    # given an invoice of "Acme Industrial Supply" and a transfer from an IBAN never seen before
    invoice = invoice_for(acme, "240.00")

    # when the bank writes the payer in capitals with a legal form
    payment_intake(installation=acme.installation, source="bank", source_reference="NAME-1", money=usd("240.00"),
                   received_on=TODAY(), payer_name="ACME INDUSTRIAL SUPPLY GMBH", payer_iban="FR7630006000011234567890189",
                   remittance_text="payment")

    # then it is suggested for that invoice, with the rule and the evidence, and nothing is booked
    incoming = IncomingPayment.objects.get()
    assert (incoming.status, incoming.rule, incoming.company_id) == (IncomingStatus.SUGGESTED, "payer_amount", acme.pk)
    assert incoming.evidence["payer"] == "name"
    assert incoming.proposal == [{"receivable_id": invoice.receivable_id, "amount": "240.0000", "settlement": "",
                                  "settlement_amount": "0"}]
    assert Payment.objects.count() == 0
    assert open_amount(invoice) == usd("240.00")

    # when a person confirms it, the IBAN and the name are learned (the name by its key)
    incoming_confirm(installation=acme.installation, incoming_id=incoming.pk, actor="staff:ada")
    assert sorted(PayerIdentity.objects.values_list("kind", "value", "company_id", "confirmations")) == [
        (PayerKind.IBAN, "FR7630006000011234567890189", acme.pk, 1), (PayerKind.NAME, "ACMEINDUSTRIALSUPPLY", acme.pk, 1)]
    assert open_amount(invoice) == usd("0")


@pytest.mark.django_db
def test_a_learned_name_wins_over_the_legal_name_and_a_renamed_company_is_found_at_once(acme, company_factory):
    # given a payer name learned for another company of the installation
    other = company_factory(installation=acme.installation, legal_name="Zenith Parts GmbH")
    PayerIdentity.objects.create(installation=acme.installation, kind=PayerKind.NAME, value=name_key("ACME SUPPLY DEPT"),
                                 company=other, confirmations=3)

    # then the learned name answers; an unknown name finds no one
    _, by_name = payer_companies(installation=acme.installation, ibans=[], names=["ACME SUPPLY DEPT", "NOBODY AT ALL"])
    assert by_name == {"ACME SUPPLY DEPT": [other.pk]}

    # when the other company is renamed, the index sees it on the next lookup
    other.legal_name = "Orbit Components GmbH"
    other.save()
    _, by_name = payer_companies(installation=acme.installation, ibans=[], names=["ORBIT COMPONENTS"])
    assert by_name == {"ORBIT COMPONENTS": [other.pk]}
