import io
from dataclasses import replace

import segno
from PIL import Image
from pypdf import PdfReader

from saleor_netterms.invoicing.documents.pdf import printable, render_pdf

from . import snapshots
from .conftest import pdf_pages_text


def test_invoice_pdf_golden_lines(eur_invoice_pdf):
    # given: the EUR invoice (DE seller, FR buyer, 19% and 7%, 2/10 Net 30), en_GB

    # when
    pages = pdf_pages_text(eur_invoice_pdf)

    # then
    assert len(pages) == 1
    lines = pages[0]
    assert lines[0] == "Invoice"
    assert lines[2] == "INV-2026-000042"
    for expected in [
        "Muster Industriebedarf GmbH",
        "Hafenstraße 12",
        "VAT ID: DE136695976",
        "Bill to Invoice number INV-2026-000042",
        "Atelier Dupré SARL Issue date 30 Nov 2026",
        "Attn. Élodie Dupré Due date 30 Dec 2026",
        "Delivery date 27 Nov 2026",
        "PO number PO-77812",
        "Order number 20931",
        "VAT ID: FR40303265045",
        "Terms 2/10 Net 30",
        "All amounts in EUR",
        "Pos Description SKU Qty Unit price VAT % Net",
        "1 Hex bolt M8×40, zinc plated, box of 100 HB-M8-40 12 18.50 19% 222.00",
        "2 Nitrile safety gloves, size L, pair GL-NIT-L 50 3.20 19% 160.00",
        "3 Handbook: fastener standards 2026 BK-FS-2026 2 45.00 7% 90.00",
        "4 Cable ties 300 mm, black, bag of 500 CT-300-BK 10 27.90 19% 279.00",
        "VAT Rate Taxable Tax Total net 751.00 EUR",
        "S · Taxable 19% 661.00 125.59 Total VAT 131.89 EUR",  # category and rate, never "standard"
        "S · Taxable 7% 90.00 6.30 Total gross 882.89 EUR",
        "Amount due 882.89 EUR",
        "Pay 865.23 EUR by 10 Dec 2026 (2% early-payment discount of 17.66 EUR)",
        "Otherwise pay 882.89 EUR by 30 Dec 2026",
        "Account holder Muster Industriebedarf GmbH",
        "IBAN DE89 3704 0044 0532 0130 00",
        "BIC COBADEFFXXX",
        "Amount 882.89 EUR",
        "Due 30 Dec 2026",
        "Payment reference RF54 INV2 0260 0004 2",
        "Muster Industriebedarf GmbH · Hafenstraße 12, 20457 Hamburg, Germany Page 1 of 1",
        "VAT ID DE136695976 · Amtsgericht Hamburg HRB 123456",
    ]:
        assert expected in lines, expected


def test_german_invoice_golden_labels_dates_and_amounts():
    # given the same invoice for a company whose language is German
    snapshot = snapshots.eur_invoice(language="de_DE")

    # when
    lines = pdf_pages_text(render_pdf(snapshot))[0]

    # then: every label through Django's translations (invoicing/locale/de), dates and numbers by babel
    assert lines[0] == "Rechnung"
    for expected in [
        "USt-IdNr.: DE136695976",
        "Rechnungsempfänger Rechnungsnummer INV-2026-000042",
        "Atelier Dupré SARL Rechnungsdatum 30.11.2026",
        "z. Hd. Élodie Dupré Fällig am 30.12.2026",
        "Lieferdatum 27.11.2026",
        "Frankreich",
        "Zahlungsbedingungen 2/10 30 Tage netto",  # the terms label too (pdf.terms_text)
        "Alle Beträge in EUR",
        "Pos. Beschreibung Art.-Nr. Menge Einzelpreis USt. % Netto",
        "1 Hex bolt M8×40, zinc plated, box of 100 HB-M8-40 12 18,50 19 % 222,00",
        "USt. Satz Nettobetrag Steuer Summe netto 751,00 EUR",
        "S · Steuerpflichtig 19 % 661,00 125,59 Umsatzsteuer 131,89 EUR",
        "S · Steuerpflichtig 7 % 90,00 6,30 Summe brutto 882,89 EUR",
        "Zahlbetrag 882,89 EUR",
        "Zahlen Sie 865,23 EUR bis 10.12.2026 (2 % Skonto von 17,66 EUR)",
        "Andernfalls zahlen Sie 882,89 EUR bis 30.12.2026",
        "Bitte überweisen Sie",
        "Kontoinhaber Muster Industriebedarf GmbH",
        "Betrag 882,89 EUR",
        "Fällig 30.12.2026",
        "Verwendungszweck RF54 INV2 0260 0004 2",
        "Muster Industriebedarf GmbH · Hafenstraße 12, 20457 Hamburg, Deutschland Seite 1 von 1",
    ]:
        assert expected in lines, expected


def test_french_invoice_golden_labels():
    # given
    snapshot = snapshots.eur_invoice(language="fr_FR")

    # when
    lines = pdf_pages_text(render_pdf(snapshot))[0]

    # then
    assert lines[0] == "Facture"
    for expected in [
        "Facturé à Numéro de facture INV-2026-000042",
        "Atelier Dupré SARL Date d'émission 30 nov. 2026",
        "À l'attention de Élodie Dupré Échéance 30 déc. 2026",
        "N° Description Réf. Qté Prix unitaire TVA % HT",
        "TVA Taux Base HT Taxe Total HT 751,00 EUR",
        "S · Taxable 19 % 661,00 125,59 Total TVA 131,89 EUR",
        "Net à payer 882,89 EUR",
        "Payez 865,23 EUR au plus tard le 10 déc. 2026 (escompte de 2 %, soit 17,66 EUR)",
        "Sinon, payez 882,89 EUR au plus tard le 30 déc. 2026",
        "Paiement par virement bancaire",
        "Montant 882,89 EUR",
        "Muster Industriebedarf GmbH · Hafenstraße 12, 20457 Hamburg, Allemagne Page 1 sur 1",
    ]:
        assert expected in lines, expected


def test_french_narrow_space_is_drawn_as_no_break_space():
    # given: babel groups French thousands with U+202F, which Vera has no glyph for
    snapshot = replace(snapshots.long_invoice(), language="fr_FR")

    # when
    text = "\n".join(sum(pdf_pages_text(render_pdf(snapshot)), []))

    # then
    assert "Net à payer 5 584,71 EUR" in text
    assert "\u202f" not in text
    assert "?" not in text


def test_credit_note_pdf_is_titled_and_references_the_invoice(eur_credit_note):
    # when
    lines = pdf_pages_text(render_pdf(eur_credit_note))[0]

    # then
    assert lines[0] == "Credit note"
    assert lines[2] == "CN-2026-000007"
    assert "Bill to Credit note number CN-2026-000007" in lines
    assert "Attn. Élodie Dupré Credits invoice INV-2026-000042" in lines
    assert "Invoice date 30 Nov 2026" in lines
    assert "1 Hex bolt M8×40, zinc plated, box of 100 HB-M8-40 2 18.50 19% 37.00" in lines
    assert "Total credited 92.18 EUR" in lines
    assert not any(line.startswith(("Amount due", "Pay ", "Payment reference")) for line in lines)


def test_usd_invoice_shows_prepayment_and_instalments():
    # given
    snapshot = snapshots.usd_invoice()

    # when
    lines = pdf_pages_text(render_pdf(snapshot))[0]

    # then
    assert "Brightline Fabrication LLC Issue date Mar 2, 2026" in lines
    assert "Rochester, NY 14623" in lines
    assert "EIN: 98-7654321" in lines
    assert "Pos Description SKU Qty Unit price Tax % Net" in lines
    assert "2 Laser cutting service, per hour SVC-LASER 3.5 145.00 8.875% 507.50" in lines
    assert "Total gross 2,081.56 USD" in lines
    assert "Prepaid -500.00 USD" in lines
    assert "Amount due 1,581.56 USD" in lines
    assert "Instalment Due date Amount" in lines
    assert "30% at 30 days Apr 1, 2026 474.47 USD" in lines
    assert "70% at 60 days May 1, 2026 1,107.09 USD" in lines


def test_jpy_invoice_has_no_decimals_and_no_missing_glyphs():
    # given: ja_JP names countries in kanji, which the embedded font cannot draw
    snapshot = snapshots.jpy_invoice()

    # when
    lines = pdf_pages_text(render_pdf(snapshot))[0]

    # then
    assert "Kobe Marine Works Ltd. Issue date 2026/12/01" in lines
    assert "1 Bearing unit UCP205 UCP205 40 1,850 10% 74,000" in lines
    assert "S · Taxable 8% 10,800 864 Total gross 93,064 JPY" in lines
    assert "Pay 93,064 JPY by 2026/12/31" in lines
    assert "Japan" in lines
    assert not any("?" in line for line in lines)


def test_long_invoice_breaks_pages_and_repeats_the_table_header():
    # given
    snapshot = snapshots.long_invoice(line_count=40)

    # when
    pages = pdf_pages_text(render_pdf(snapshot))

    # then
    assert len(pages) == 2
    header = "Pos Description SKU Qty Unit price VAT % Net"
    assert header in pages[0] and header in pages[1]
    assert pages[1][0] == "Invoice INV-2026-000043"
    assert pages[1][1] == header
    assert any(line.endswith("Page 1 of 2") for line in pages[0])
    assert any(line.endswith("Page 2 of 2") for line in pages[1])
    assert "40 Assorted fastener kit no. 40, stainless A2 KIT-A2-040 6 49.40 7% 296.40" in pages[1]
    assert "Amount due 5,584.71 EUR" in pages[1]


def test_epc_qr_image_is_the_snapshot_payload_module_for_module(eur_invoice, eur_invoice_pdf):
    # given
    expected = segno.make(eur_invoice.remittance.epc_qr_payload, error="m", micro=False,
                          boost_error=False, encoding="utf-8")

    # when
    images = PdfReader(io.BytesIO(eur_invoice_pdf)).pages[0].images
    image = Image.open(io.BytesIO(images[0].data)).convert("L")

    # then: one pixel per module, 4-module quiet zone
    assert len(images) == 1
    assert image.size == (expected.symbol_size(scale=1, border=4))
    dark = [[image.getpixel((x + 4, y + 4)) < 128 for x in range(len(expected.matrix))]
            for y in range(len(expected.matrix))]
    assert dark == [[bool(m) for m in row] for row in expected.matrix]
    assert expected.designator == "6-M"  # EPC069-12 allows up to version 13


def test_pdf_without_epc_payload_has_no_qr():
    # when
    pdf = render_pdf(snapshots.minimal_invoice())

    # then
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0


def test_every_font_is_embedded(eur_invoice_pdf):
    # when
    fonts = {}
    for page in PdfReader(io.BytesIO(eur_invoice_pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = "/FontFile2" in font["/FontDescriptor"].get_object()

    # then
    assert fonts and all(fonts.values()), fonts
    assert sorted(name.split("+")[1] for name in fonts) == ["BitstreamVeraSans-Bold",
                                                            "BitstreamVeraSans-Roman"]


def test_printable_replaces_characters_without_glyph():
    # when / then
    assert printable("1\u202f225,00\u00a0€") == "1\u00a0225,00\u00a0€"
    assert printable("\uffe5125,000") == "\u00a5125,000"
    assert printable("東京 Ltd") == "?? Ltd"
