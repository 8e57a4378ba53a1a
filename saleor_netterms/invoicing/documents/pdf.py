"""The human-readable document: an issued invoice or credit note as an A4 PDF (ReportLab).

Why ReportLab (5.1.0): it is pure Python with wheels that need no system library, so the same
`pip install` renders identical PDFs on a laptop, in CI and in a slim container. WeasyPrint
would need Pango, HarfBuzz and fontconfig from the OS (present on this machine, not promised on
every CI runner or container base) and was not measured here. Measured with bench/invoices.py
(same run, 2-CPU machine shared with other jobs, CPU time per invoice): render_pdf costs
≈31 ms of CPU for the fixture mix (4- to 40-line invoices, two in five with an EPC QR code), a bare
one-line ReportLab canvas 0.65 ms; a 2,000-invoice stream held the worker at ≈81 MiB RSS, with a
0.6 MiB tracemalloc peak per document.

Font: ReportLab's base-14 Helvetica needs no file and its WinAnsi encoding covers € and Latin-1,
but it is never embedded, and PDF/A (the Factur-X container, see facturx.py) requires every font
to be embedded. So documents use Bitstream Vera Sans (regular and bold), the TrueType font that
ships *inside the reportlab wheel* (reportlab/fonts/Vera*.ttf, free licence): no dependency on
/usr/share/fonts, embedded as a subset, covering Latin-1 (é, ß, ×, ¥), €, typographic
quotes and dashes. Characters it lacks are mapped to a close equivalent (U+202F narrow no-break
space, which babel puts in French numbers, becomes U+00A0; fullwidth ¥ becomes ¥) or to "?".
CJK scripts are therefore not rendered; the ja_JP locale still works because its medium dates and
amounts are ASCII.

Layout: seller block with a logo placeholder, title and number; buyer block ("Bill to") with VAT
id beside the invoice facts (dates, PO, order, terms); the line table (header row repeated on
every page); tax breakdown and totals; for invoices the payment section (early-payment discount,
instalment schedule, a remittance box with IBAN/BIC/RF reference and the EPC QR code); a footer
with the seller's legal line and "Page x of y" on every page.
"""
from __future__ import annotations

import io
import os
from functools import lru_cache
from xml.sax.saxutils import escape

import reportlab
import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate,
                                Paragraph, Spacer, Table, TableStyle)

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from saleor_netterms.invoicing.snapshot import InvoiceSnapshot, Party

from .codes import payment_next
from .formatting import (address_lines, amount_text, date_text, grouped, money_text,
                         percent_text, quantity_text)
from .labels import bank_code_label, exemption_text, line_description, note_text, part_label, terms_text

FONT = "NetTermsSans"
FONT_BOLD = "NetTermsSans-Bold"
_FONT_FILES = {FONT: "Vera.ttf", FONT_BOLD: "VeraBd.ttf"}

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 22 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
QR_SIZE = 34 * mm

INK = colors.Color(0.13, 0.13, 0.15)
MUTED = colors.Color(0.42, 0.42, 0.46)
RULE = colors.Color(0.80, 0.80, 0.83)
SHADE = colors.Color(0.95, 0.95, 0.96)

TITLES = {"invoice": "Invoice", "credit_note": "Credit note"}  # metadata (untranslated, as the XML)
TITLES_SHOWN = {"invoice": gettext_lazy("Invoice"), "credit_note": gettext_lazy("Credit note")}

# UNCL5305 duty/tax/fee categories as a reader knows them. "S" is every taxed rate, standard or
# reduced: the row prints the rate beside it, never the word "standard".
TAX_CATEGORY_NAMES = {
    "S": pgettext_lazy("vat category", "Taxable"),
    "Z": pgettext_lazy("vat category", "Zero rated"),
    "E": pgettext_lazy("vat category", "Exempt"),
    "AE": pgettext_lazy("vat category", "Reverse charge"),
    "K": pgettext_lazy("vat category", "Intra-Community supply"),
    "G": pgettext_lazy("vat category", "Export outside the EU"),
    "O": pgettext_lazy("vat category", "Not subject to VAT"),
    "L": pgettext_lazy("vat category", "Canary Islands IGIC"),
    "M": pgettext_lazy("vat category", "Ceuta and Melilla IPSI"),
}
# The legal notice an invoice must carry for these categories (Directive 2006/112/EC art. 226).
LEGAL_NOTICES = {
    "AE": gettext_lazy("Reverse charge: VAT to be accounted for by the recipient "
                       "(Article 196, Directive 2006/112/EC)."),
    "K": gettext_lazy("Exempt intra-Community supply of goods (Article 138, Directive 2006/112/EC)."),
    "G": gettext_lazy("Export outside the EU, exempt from VAT (Article 146, Directive 2006/112/EC)."),
    "O": gettext_lazy("Not subject to VAT."),
}


def django_language(language: str) -> str:
    """The Django translation of a snapshot's babel locale: "de_DE" → "de", "pt_BR" → "pt-br"."""
    code = (language or "en").replace("_", "-").lower()
    return code.split("-")[0]

# Characters babel or a merchant may produce that the embedded font has no glyph for.
_SUBSTITUTES = {
    "\u202f": "\u00a0",  # narrow no-break space (fr thousands separator)
    "\u2009": " ", "\u200a": " ", "\u2007": " ", "\u2008": " ",
    "\ufffe": "", "\u200b": "",
    "\uffe5": "\u00a5",  # fullwidth yen sign
    "\uff04": "$",
    "\u2010": "-", "\u2011": "-",
}


@lru_cache(maxsize=1)
def fonts_register() -> frozenset[int]:
    """Register the embedded fonts once per process; return the code points they cover."""
    fonts_dir = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    covered: frozenset[int] = frozenset()
    for name, filename in _FONT_FILES.items():
        font = TTFont(name, os.path.join(fonts_dir, filename))
        pdfmetrics.registerFont(font)
        chars = frozenset(font.face.charToGlyph)
        covered = chars if not covered else covered & chars
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)
    return covered


def printable(text: str) -> str:
    """`text` with every character the embedded font cannot draw replaced."""
    covered = fonts_register()
    out = []
    for char in text:
        if ord(char) in covered or char in "\n\t":
            out.append(char)
        else:
            substitute = _SUBSTITUTES.get(char, "?")
            out.append(substitute if all(ord(c) in covered for c in substitute) else "?")
    return "".join(out)


def _markup(text: str) -> str:
    """Plain text as Paragraph markup: printable, escaped, newlines as line breaks."""
    return escape(printable(text)).replace("\n", "<br/>")


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    fonts_register()
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "label": ParagraphStyle("label", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=20, leading=24,
                                alignment=TA_RIGHT),
        "number": ParagraphStyle("number", parent=base, fontSize=10, leading=13,
                                 alignment=TA_RIGHT),
        "heading": ParagraphStyle("heading", parent=base, fontName=FONT_BOLD, fontSize=9.5,
                                  leading=13, spaceBefore=4, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=8, leading=10,
                                     alignment=TA_RIGHT),
        "party_name": ParagraphStyle("party_name", parent=base, fontName=FONT_BOLD, fontSize=10,
                                     leading=13),
        "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
    }


def _style(commands: list) -> TableStyle:
    """A table style whose cells default to the embedded font (ReportLab's default is the
    base-14 Helvetica, which would be referenced, unembedded, even by cells holding flowables)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), *commands])


def _p(text: str, style: str = "base") -> Paragraph:
    return Paragraph(_markup(str(text)), _styles()[style])


# ---------------------------------------------------------------------------------------------
# page furniture: "Page x of y" needs the page count, known only at the end -> deferred pages


def _numbered_canvas_class(snapshot: InvoiceSnapshot):
    footer = _footer_text(snapshot.seller, snapshot.language, snapshot.footer)
    running = f"{TITLES_SHOWN[snapshot.kind]} {snapshot.number}"

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._page_states: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            pages = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self._furniture_draw(pages)
                super().showPage()
            super().save()

        def _furniture_draw(self, pages: int) -> None:
            page = self._pageNumber
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, 15 * mm, PAGE_WIDTH - MARGIN_X, 15 * mm)
            self.setFillColor(MUTED)
            self.setFont(FONT, 7)
            for offset, text in enumerate(footer):
                self.drawString(MARGIN_X, (11 - 3.2 * offset) * mm, printable(text))
            self.drawRightString(PAGE_WIDTH - MARGIN_X, 11 * mm,
                                 printable(_("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}))
            if page > 1:
                self.drawString(MARGIN_X, PAGE_HEIGHT - 10 * mm, printable(running))
            self.restoreState()

    return NumberedCanvas


def _footer_text(seller: Party, language: str, extra: str = "") -> list[str]:
    """Who the seller is and where; its tax and register identifiers; the seller's own footer
    text (one line)."""
    first = " · ".join(p for p in (seller.name, ", ".join(_address_lines(seller, language))) if p)
    second = " · ".join(p for p in (f"{_tax_id_label(seller)} {seller.tax_id}" if seller.tax_id
                                    else "", _("Tax number") + " " + seller.tax_number if seller.tax_number
                                    else "", seller.registration_id) if p)
    third = " ".join(extra.split())[:180]
    return [line for line in (first, second, third) if line]


def _address_lines(party: Party, language: str) -> list[str]:
    """The postal lines; in English when the locale's country name has no glyph in the font
    (e.g. ja_JP names the country in kanji)."""
    lines = address_lines(party.address, language)
    if any(printable(line) != line for line in lines):
        return address_lines(party.address, "en_GB")
    return lines


def _tax_id_label(party: Party) -> str:
    return _("VAT ID") if party.tax_id_scheme.upper() == "VAT" else party.tax_id_scheme


# ---------------------------------------------------------------------------------------------
# blocks


class _Logo(Flowable):
    """The seller's logo (PNG or SVG, validated when the seller profile saved it), fitted into a
    38 × 14 mm box keeping its aspect ratio, left-aligned."""

    def __init__(self, content_type: str, content: bytes, width: float = 38 * mm, height: float = 14 * mm):
        super().__init__()
        self.content_type, self.content = content_type, content
        self.box_width, self.box_height = width, height
        self.width, self.height = width, height

    def draw(self):
        if self.content_type == "image/svg+xml":
            from reportlab.graphics import renderPDF
            from svglib.svglib import svg2rlg

            drawing = svg2rlg(io.BytesIO(self.content))
            scale = min(self.box_width / drawing.width, self.box_height / drawing.height)
            drawing.scale(scale, scale)
            drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
            renderPDF.draw(drawing, self.canv, 0, self.box_height - drawing.height)
            return
        image = ImageReader(io.BytesIO(self.content))
        width, height = image.getSize()
        scale = min(self.box_width / width, self.box_height / height)
        self.canv.drawImage(image, 0, self.box_height - height * scale, width * scale, height * scale,
                            mask="auto")


class _LogoPlaceholder(Flowable):
    """A light box with the seller's initials where a merchant logo will go."""

    def __init__(self, name: str, width: float = 38 * mm, height: float = 14 * mm):
        super().__init__()
        self.name, self.width, self.height = name, width, height

    def draw(self):
        c = self.canv
        c.setFillColor(SHADE)
        c.setStrokeColor(RULE)
        c.roundRect(0, 0, self.width, self.height, 2 * mm, stroke=1, fill=1)
        initials = "".join(w[0] for w in self.name.split()[:3] if w[:1].isalnum()).upper()
        c.setFillColor(MUTED)
        c.setFont(FONT_BOLD, 14)
        c.drawCentredString(self.width / 2, self.height / 2 - 5, printable(initials or "LOGO"))


def _party_lines(party: Party, language: str, *, buyer: bool) -> list[str]:
    lines = []
    if party.contact_name and buyer:
        lines.append(_("Attn. %(name)s") % {"name": party.contact_name})
    lines.extend(_address_lines(party, language))
    if party.tax_id:
        lines.append(f"{_tax_id_label(party)}: {party.tax_id}")
    if party.registration_id and buyer:
        lines.append(_("Registration: %(id)s") % {"id": party.registration_id})
    if not buyer:
        lines.extend(x for x in (party.email, party.phone) if x)
    return lines


def _header(snapshot: InvoiceSnapshot, logo: tuple[str, bytes] | None) -> list:
    seller = snapshot.seller
    mark = _Logo(*logo) if logo else _LogoPlaceholder(seller.name)
    seller_block = [mark, Spacer(1, 3 * mm), _p(seller.name, "bold")]
    seller_block += [_p(line, "small") for line in _party_lines(seller, snapshot.language,
                                                                 buyer=False)]
    title_block = [_p(str(TITLES_SHOWN[snapshot.kind]), "title"), _p(snapshot.number, "number")]
    table = Table([[seller_block, title_block]], colWidths=[CONTENT_WIDTH * 0.6,
                                                             CONTENT_WIDTH * 0.4])
    table.setStyle(_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [table, Spacer(1, 7 * mm)]


def _facts(snapshot: InvoiceSnapshot) -> list[tuple[str, str]]:
    lang = snapshot.language
    is_credit = snapshot.kind == "credit_note"
    facts = [(_("Credit note number") if is_credit else _("Invoice number"), snapshot.number),
             (_("Issue date"), date_text(snapshot.issue_date, lang))]
    if is_credit:
        facts.append((_("Credits invoice"), snapshot.credited_invoice_number))
        if snapshot.credited_invoice_date:
            facts.append((_("Invoice date"), date_text(snapshot.credited_invoice_date, lang)))
    else:
        nxt = payment_next(snapshot)
        several = len([p for p in snapshot.schedule if p.amount > 0]) > 1
        due = nxt.due_date if nxt is not None else snapshot.due_date
        facts.append((_("First due date") if several else _("Due date"),
                      date_text(due, lang) if due else _("On fulfilment")))
    if snapshot.delivery_date:
        facts.append((_("Delivery date"), date_text(snapshot.delivery_date, lang)))
    if snapshot.po_number:
        facts.append((_("PO number"), snapshot.po_number))
    if snapshot.order_number:
        facts.append((_("Order number"), snapshot.order_number))
    if snapshot.buyer.erp_customer_number:
        facts.append((_("Customer number"), snapshot.buyer.erp_customer_number))
    if not is_credit and snapshot.terms_label:
        facts.append((_("Terms"), terms_text(snapshot.terms_label, lang)))
    return facts


def _parties_and_facts(snapshot: InvoiceSnapshot) -> list:
    buyer = snapshot.buyer
    buyer_block = [_p(_("Bill to"), "label"), _p(buyer.name, "party_name")]
    buyer_block += [_p(line) for line in _party_lines(buyer, snapshot.language, buyer=True)]
    facts = Table([[_p(label, "label"), _p(value)] for label, value in _facts(snapshot)],
                  colWidths=[38 * mm, CONTENT_WIDTH * 0.45 - 38 * mm])
    facts.setStyle(_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0.6),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6)]))
    table = Table([[buyer_block, facts]], colWidths=[CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45])
    table.setStyle(_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [table, Spacer(1, 8 * mm)]


_LINE_WIDTHS = [10 * mm, 64 * mm, 27 * mm, 13 * mm, 22 * mm, 14 * mm, 24 * mm]


def _tax_word(snapshot: InvoiceSnapshot) -> str:
    """"VAT" where the seller is VAT-registered, else "Tax" (US sales tax, JP consumption tax)."""
    return _("VAT") if snapshot.seller.tax_id_scheme.upper() == "VAT" else _("Tax")


def _lines_table(snapshot: InvoiceSnapshot) -> list:
    lang, cur = snapshot.language, snapshot.currency
    header = [_("Pos"), _("Description"), _("SKU"), _("Qty"), _("Unit price"), f"{_tax_word(snapshot)} %",
              _("Net")]
    rows: list[list] = [header]
    for line in snapshot.lines:
        rows.append([
            str(line.position),
            _p(line_description(line.description, lang), "cell"),
            _p(line.sku, "cell"),
            quantity_text(line.quantity, lang),
            amount_text(line.unit_net, cur, lang),
            percent_text(line.tax_rate, lang),
            amount_text(line.net, cur, lang),
        ])
    rows = [[printable(c) if isinstance(c, str) else c for c in row] for row in rows]
    table = Table(rows, colWidths=_LINE_WIDTHS, repeatRows=1)
    table.setStyle(_style([
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
        ("FONT", (0, 1), (-1, -1), FONT, 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return [_p(_("All amounts in %(currency)s") % {"currency": cur}, "small"), Spacer(1, 1.5 * mm), table,
            Spacer(1, 5 * mm)]


def _tax_and_totals(snapshot: InvoiceSnapshot) -> list:
    lang, cur = snapshot.language, snapshot.currency
    tax_rows: list[list] = [[_tax_word(snapshot), _("Rate"), _("Taxable"), _("Tax")]]
    reasons = []
    for group in snapshot.tax_breakdown:
        name = str(TAX_CATEGORY_NAMES.get(group.category, group.category))
        tax_rows.append([f"{group.category} · {name}",
                         percent_text(group.rate, lang), amount_text(group.taxable, cur, lang),
                         amount_text(group.tax, cur, lang)])
        notice = LEGAL_NOTICES.get(group.category)
        text = str(notice) if notice is not None else exemption_text(group.exemption_reason) if group.category == "E" else ""
        if text and text not in reasons:
            reasons.append(text)
    tax_table = Table([[printable(c) for c in row] for row in tax_rows],
                      colWidths=[38 * mm, 14 * mm, 24 * mm, 20 * mm])
    tax_table.setStyle(_style([
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.5),
        ("FONT", (0, 1), (-1, -1), FONT, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    left = [tax_table] + [_p(reason, "bold") for reason in reasons]

    totals = snapshot.totals
    is_credit = snapshot.kind == "credit_note"
    tax_label = _("Total VAT") if snapshot.seller.tax_id_scheme.upper() == "VAT" else _("Total tax")
    total_rows = [(_("Total net"), totals.net), (tax_label, totals.tax)]
    if is_credit:
        total_rows.append((_("Total credited"), totals.gross))
    else:
        total_rows.append((_("Total gross"), totals.gross))
        if totals.prepaid:
            total_rows.append((_("Prepaid"), -totals.prepaid))
        if totals.rounding:
            total_rows.append((_("Rounding"), totals.rounding))
        total_rows.append((_("Amount due"), totals.amount_due))
    totals_table = Table([[printable(label), printable(money_text(value, cur, lang))]
                          for label, value in total_rows],
                         colWidths=[30 * mm, 34 * mm])
    totals_table.setStyle(_style([
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("FONT", (0, -1), (-1, -1), FONT_BOLD, 10),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.75, INK),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
    ]))
    table = Table([[left, totals_table]], colWidths=[CONTENT_WIDTH - 66 * mm, 66 * mm])
    table.setStyle(_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [KeepTogether([table]), Spacer(1, 6 * mm)]


def _when(due, lang) -> str:
    return date_text(due, lang) if due else str(_("on fulfilment"))


def _payment(snapshot: InvoiceSnapshot) -> list:
    lang, cur = snapshot.language, snapshot.currency
    flow: list = [_p(_("Payment"), "heading")]
    if snapshot.terms_label:
        flow.append(_p(_("Terms: %(terms)s") % {"terms": terms_text(snapshot.terms_label, lang)}))
    due = snapshot.totals.amount_due
    nxt = payment_next(snapshot)
    parts = [p for p in snapshot.schedule if p.amount > 0]
    discount = snapshot.discount
    offer = None
    if discount is not None:
        offer = _("%(percent)s early-payment discount of %(amount)s") % {
            "percent": percent_text(discount.percent, lang), "amount": money_text(discount.amount, cur, lang)}
    if nxt is not None and len(parts) > 1:
        flow.append(_p(_("Next payment: %(amount)s by %(date)s (%(part)s)") % {
            "amount": money_text(nxt.amount, cur, lang), "date": _when(nxt.due_date, lang),
            "part": part_label(nxt.label, lang)}, "bold"))
        if offer:
            flow.append(_p(_("Or pay %(amount)s in full by %(date)s (%(offer)s)") % {
                "amount": money_text(due - discount.amount, cur, lang),
                "date": date_text(discount.deadline, lang), "offer": offer}))
    elif nxt is not None:
        if offer:
            flow.append(_p(_("Pay %(amount)s by %(date)s (%(offer)s)") % {
                "amount": money_text(due - discount.amount, cur, lang),
                "date": date_text(discount.deadline, lang), "offer": offer}, "bold"))
            flow.append(_p(_("Otherwise pay %(amount)s by %(date)s") % {
                "amount": money_text(nxt.amount, cur, lang), "date": _when(nxt.due_date, lang)}))
        else:
            flow.append(_p(_("Pay %(amount)s by %(date)s") % {
                "amount": money_text(nxt.amount, cur, lang), "date": _when(nxt.due_date, lang)}, "bold"))
    if len(snapshot.schedule) > 1:
        rows = [[_("Instalment"), _("Due date"), _("Amount")]]
        for part in snapshot.schedule:
            rows.append([part_label(part.label, lang), _when(part.due_date, lang), money_text(part.amount, cur, lang)])
        schedule = Table([[printable(str(c)) for c in row] for row in rows],
                         colWidths=[70 * mm, 40 * mm, 34 * mm], hAlign="LEFT")
        schedule.setStyle(_style([
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
            ("FONT", (0, 1), (-1, -1), FONT, 8),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE),
            ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
        ]))
        flow += [Spacer(1, 2 * mm), _p(_("Payment schedule"), "bold"), schedule]
    flow.append(Spacer(1, 3 * mm))
    remittance = _remittance_box(snapshot)
    if remittance is not None:
        flow.append(remittance)
    return [KeepTogether(flow)]


def _remittance_box(snapshot: InvoiceSnapshot):
    """The bank details and the amount to pay next (with its date), the RF reference, the EPC QR
    for a SEPA account; without any account for the currency, whom to ask."""
    r = snapshot.remittance
    nxt = payment_next(snapshot)
    if nxt is None:
        return None
    lang, cur = snapshot.language, snapshot.currency
    reference = grouped(r.payment_reference) if r.payment_reference else snapshot.number
    if not (r.iban or r.account_number):
        contact = snapshot.seller.email or snapshot.seller.phone
        text = [_p(_("Payment instructions"), "bold"), Spacer(1, 1.5 * mm),
                _p(_("Please contact %(contact)s for payment instructions and quote %(reference)s.") % {
                    "contact": contact or snapshot.seller.name, "reference": reference})]
        box = Table([[text]], colWidths=[CONTENT_WIDTH - 8 * mm])
        box.setStyle(_style([("BOX", (0, 0), (-1, -1), 0.75, INK),
                             ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                             ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]))
        return box
    rows = [(_("Account holder"), r.account_holder or snapshot.seller.name)]
    if r.bank_name:
        rows.append((_("Bank"), r.bank_name))
    if r.iban:
        rows.append(("IBAN", grouped(r.iban)))
    if r.bic:
        rows.append(("BIC", r.bic))
    if r.account_number and not r.iban:
        rows.append((_("Account number"), r.account_number))
    if r.bank_code:
        rows.append((bank_code_label(r.bank_code_label), r.bank_code))
    if r.account_number and r.iban:
        rows.append((_("Account number"), r.account_number))
    rows.append((_("Amount"), money_text(nxt.amount, cur, lang)))
    rows.append((_("Due"), _when(nxt.due_date, lang)))
    rows.append((_("Payment reference"), reference))
    text = [_p(_("Please pay by bank transfer"), "bold"), Spacer(1, 1.5 * mm)]
    details = Table([[_p(str(label), "label"), _p(value, "bold" if label == _("Payment reference")
                                                  else "base")] for label, value in rows],
                    colWidths=[38 * mm, 70 * mm], hAlign="LEFT")
    details.setStyle(_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0.8),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8)]))
    text += [details, Spacer(1, 1.5 * mm),
             _p(_("Quote the payment reference exactly so your payment is matched automatically."),
                "small")]
    cells = [text]
    widths = [CONTENT_WIDTH - 8 * mm]
    if r.epc_qr_payload:
        cells.append([EpcQrCode(r.epc_qr_payload), _p(_("Scan to pay (SEPA)"), "small")])
        widths = [CONTENT_WIDTH - 8 * mm - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm]
    box = Table([cells], colWidths=widths)
    box.setStyle(_style([("BOX", (0, 0), (-1, -1), 0.75, INK),
                             ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                             ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]))
    return box


def epc_qr_png(payload: str) -> bytes:
    """The EPC069-12 QR (error correction M, as the standard requires) as a PNG, one pixel per
    module and a 4-module quiet zone. Drawn scaled up without interpolation."""
    qr = segno.make(payload, error="m", micro=False, boost_error=False, encoding="utf-8")
    out = io.BytesIO()
    qr.save(out, kind="png", scale=1, border=4)
    return out.getvalue()


class EpcQrCode(Flowable):
    def __init__(self, payload: str, size: float = QR_SIZE):
        super().__init__()
        self.payload, self.width, self.height = payload, size, size

    def draw(self):
        image = ImageReader(io.BytesIO(epc_qr_png(self.payload)))
        self.canv.drawImage(image, 0, 0, self.width, self.height)


# ---------------------------------------------------------------------------------------------


def render_pdf(snapshot: InvoiceSnapshot, logo: tuple[str, bytes] | None = None) -> bytes:
    """The invoice or credit note as an A4 PDF (fonts embedded, ready to wrap as PDF/A-3), its
    labels in the snapshot's language (Django's translation catalogues, invoicing/locale);
    `logo` = (content type, bytes) of the seller's logo the snapshot names, if any."""
    with translation.override(django_language(snapshot.language)):
        return _render_pdf(snapshot, logo)


def _render_pdf(snapshot: InvoiceSnapshot, logo: tuple[str, bytes] | None) -> bytes:
    fonts_register()
    out = io.BytesIO()
    title = f"{TITLES[snapshot.kind]} {snapshot.number}"
    doc = BaseDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=printable(title), author=printable(snapshot.seller.name),
        subject=printable(f"{title} to {snapshot.buyer.name}"), creator="saleor-netterms",
        lang=snapshot.language.replace("_", "-"), initialFontName=FONT, initialFontSize=8.5,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story: list = []
    story += _header(snapshot, logo)
    story += _parties_and_facts(snapshot)
    story += _lines_table(snapshot)
    story += _tax_and_totals(snapshot)
    if snapshot.kind == "invoice":
        story += _payment(snapshot)
    if snapshot.note:
        story += [Spacer(1, 4 * mm), _p(note_text(snapshot.note, snapshot.language), "small")]
    doc.build(story, canvasmaker=_numbered_canvas_class(snapshot))
    return out.getvalue()
