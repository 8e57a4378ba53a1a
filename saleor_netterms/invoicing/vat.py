"""Which VAT category a line has, decided from facts (pure: no Django, no I/O).

Saleor gives each line a tax rate; the seller profile gives the seller's country and VAT
registration; the company gives the buyer's country and VAT id. From those, EN 16931 wants one
UNCL5305 category per line (BT-151) and, for the categories that are not taxed, an exemption
reason text and code (BT-120 / BT-121, CEF VATEX code list). The table (`vat_treatment`):

| rate | seller                  | buyer                                        | category | VATEX          |
|------|-------------------------|----------------------------------------------|----------|----------------|
| > 0  | any                     | any                                          | S        | —              |
| 0    | EU, VAT id              | other EU country, VAT id, goods              | K        | VATEX-EU-IC    |
| 0    | EU, VAT id              | other EU country, VAT id, services           | AE       | VATEX-EU-AE    |
| 0    | EU, VAT id              | outside the EU                               | G        | VATEX-EU-G     |
| 0    | no VAT scheme, all 0 %  | any                                          | O        | VATEX-EU-O     |
| 0    | no VAT scheme, mixed    | any                                          | E        | (seller's text)|
| 0    | otherwise (domestic…)   | —                                            | the seller's domestic zero category: Z (no reason), or E with the seller's reason |

"S" is the category of every taxed line, standard *or reduced* rate: the documents print the
rate next to it ("VAT 7 % (S)"), never the word "standard" for it.
Goods or services: Saleor's order lines say whether shipping is required; a line that is not
shipped is a service (B2B services to another EU country are reverse-charged, Art. 196 of
Directive 2006/112/EC; goods are an exempt intra-Community supply, Art. 138).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
# VAT ids of Greece start with EL, not GR.
VAT_PREFIX = {"GR": "EL"}

CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O", "L", "M")


@dataclass(frozen=True, slots=True)
class VatTreatment:
    category: str
    exemption_reason: str = ""    # BT-120
    exemption_code: str = ""      # BT-121 (VATEX)
    notice: str = ""              # the legal notice the PDF prints


REVERSE_CHARGE = VatTreatment(
    "AE", "Reverse charge", "VATEX-EU-AE",
    "Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC).")
INTRA_COMMUNITY = VatTreatment(
    "K", "Intra-Community supply", "VATEX-EU-IC",
    "Exempt intra-Community supply of goods (Article 138, Directive 2006/112/EC).")
EXPORT = VatTreatment(
    "G", "Export outside the EU", "VATEX-EU-G",
    "Export outside the EU, exempt from VAT (Article 146, Directive 2006/112/EC).")
OUT_OF_SCOPE = VatTreatment("O", "Not subject to VAT", "VATEX-EU-O", "Not subject to VAT.")


def in_eu(country: str) -> bool:
    return (country or "").upper() in EU_COUNTRIES


def vat_treatment(*, rate: Decimal, seller_country: str, seller_vat_registered: bool,
                  buyer_country: str, buyer_vat_id: str, service: bool = False,
                  all_lines_untaxed: bool = False, domestic_zero_category: str = "Z",
                  domestic_exemption_reason: str = "", domestic_exemption_code: str = "") -> VatTreatment:
    """The category of one line (see the module's table)."""
    if rate > 0:
        return VatTreatment("S")
    seller_country, buyer_country = (seller_country or "").upper(), (buyer_country or "").upper()
    if not seller_vat_registered:
        if all_lines_untaxed:
            return OUT_OF_SCOPE
        reason = domestic_exemption_reason or "Exempt from tax"
        return VatTreatment("E", reason, domestic_exemption_code, reason)
    if in_eu(seller_country) and buyer_country and buyer_country != seller_country:
        if in_eu(buyer_country) and buyer_vat_id:
            return REVERSE_CHARGE if service else INTRA_COMMUNITY
        if not in_eu(buyer_country):
            return EXPORT
    if domestic_zero_category == "E":
        reason = domestic_exemption_reason or "Exempt from VAT"
        return VatTreatment("E", reason, domestic_exemption_code, reason)
    return VatTreatment("Z")
