"""Invoice figures from Saleor's numbers, and the remittance data (pure: no Django, no I/O).

Rules (the snapshot's invariants, snapshot.py):
- a line's net = quantity × unit net (as Saleor computed it); tax = net × rate (Saleor's taxRate is
  a fraction, 0.19 → 19 %); gross = net + tax; each quantized to the currency;
- the tax breakdown groups lines by (category, rate); a group's tax = taxable × rate, rounded once
  per group (EN 16931 BR-S-09), so the invoice total = Σ net + Σ group tax;
- what Saleor's order total has beyond its lines (shipping, order-level discounts) becomes one
  "Shipping and other charges" line taxed at the lines' rate it matches (else the derived rate);
- when the invoice must total an amount that the lines do not give (a partial capture, or Saleor
  rounded per unit where the invoice rounds per group), the invoice has one summary line per
  tax rate instead: "<description>", the amount split over the order's rates in proportion to
  their gross (the last rate takes the remainder), each line's net solved so that
  net + net × rate = its gross exactly.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext

from stdnum import iban as stdnum_iban

from saleor_netterms.core.money import currency_exponent, quantize

from .snapshot import Line, TaxBreakdown, Totals

HUNDRED = Decimal(100)
UNIT_CODE = "C62"  # UN/ECE rec 20 "one"


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One priced line as Saleor gave it (order_snapshot line, or a shipped part of one)."""
    description: str
    sku: str
    quantity: Decimal
    unit_net: Decimal
    unit_gross: Decimal
    rate: Decimal  # percent
    supply: str = ""  # "goods" (Saleor: shipping required), "services" (not shipped), "" (not known)


GOODS, SERVICES = "goods", "services"


def supply_of(shipping_required) -> str:
    """Goods or services, from Saleor's OrderLine.isShippingRequired (absent in an order stored
    before the app asked for it: "", and the seller profile's default decides)."""
    if shipping_required is True:
        return GOODS
    if shipping_required is False:
        return SERVICES
    return ""


def rate_percent(tax_rate) -> Decimal:
    """Saleor's `taxRate` fraction → percent, normalised ("0.19" → 19, "0.0" → 0)."""
    if tax_rate in (None, ""):
        return Decimal(0)
    value = Decimal(str(tax_rate)) * HUNDRED
    return value.normalize() if value else Decimal(0)


def _plain(value: Decimal) -> Decimal:
    """A percentage without exponent noise: 19.00 → 19, 7.50 → 7.5."""
    text = format(value.normalize(), "f")
    return Decimal(text) if text != "-0" else Decimal(0)


def source_lines_from_order(order_lines: list[dict], *, quantities: dict[int, int] | None = None) -> list[SourceLine]:
    """order_snapshot lines ({productName, sku, quantity, unitNet, unitGross, taxRate,
    isShippingRequired}); with
    `quantities` ({index: qty}) only those lines and quantities (a shipment)."""
    result = []
    for index, line in enumerate(order_lines):
        quantity = line.get("quantity") or 0
        if quantities is not None:
            quantity = quantities.get(index, 0)
        if not quantity:
            continue
        result.append(SourceLine(
            description=line.get("productName") or line.get("sku") or "Item", sku=line.get("sku") or "",
            quantity=Decimal(quantity), unit_net=Decimal(line.get("unitNet") or "0"),
            unit_gross=Decimal(line.get("unitGross") or line.get("unitNet") or "0"),
            rate=_plain(rate_percent(line.get("taxRate"))), supply=supply_of(line.get("isShippingRequired"))))
    return result


def category_for(rate: Decimal, zero_category: str) -> str:
    return "S" if rate > 0 else zero_category


def line_make(*, position: int, description: str, sku: str, quantity: Decimal, unit_net: Decimal,
              rate: Decimal, currency: str, zero_category: str, supply: str = "") -> Line:
    net = quantize(quantity * unit_net, currency)
    tax = quantize(net * rate / HUNDRED, currency)
    return Line(position=position, description=description[:255], sku=sku, quantity=quantity,
                unit_code=UNIT_CODE, unit_net=unit_net, net=net, tax_category=category_for(rate, zero_category),
                tax_rate=rate, tax=tax, gross=net + tax, supply=supply)


def lines_from_sources(sources: list[SourceLine], *, currency: str, zero_category: str, start: int = 1) -> list[Line]:
    return [line_make(position=start + i, description=s.description, sku=s.sku, quantity=s.quantity,
                      unit_net=s.unit_net, rate=s.rate, currency=currency, zero_category=zero_category,
                      supply=s.supply)
            for i, s in enumerate(sources)]


def net_for_gross(gross: Decimal, rate: Decimal, currency: str) -> tuple[Decimal, Decimal]:
    """(net, rate) with net + q(net × rate) == gross when such a net exists (searched around
    gross / (1 + rate)); otherwise the nearest net at the SAME rate: the invoice states only rates
    that apply, and the minor unit that does not fit becomes its rounding amount (BT-114,
    compose.snapshot_compose)."""
    step = currency_exponent(currency)
    with localcontext() as ctx:
        ctx.prec = 40
        first = quantize(gross / (1 + rate / HUNDRED), currency)
        for delta in (0, 1, -1, 2, -2, 3, -3):
            net = first + step * delta
            if net + quantize(net * rate / HUNDRED, currency) == gross:
                return net, rate
        return first, rate


def summary_lines(*, description: str, amount: Decimal, weights: "OrderedDict[Decimal, Decimal]", currency: str,
                  zero_category: str, start: int = 1, supplies: dict[Decimal, str] | None = None) -> list[Line]:
    """One line per rate for `amount` gross, split by `weights` ({rate: gross weight});
    `supplies`: {rate: "goods" | "services"} where every source line of that rate agrees."""
    rates = [r for r, w in weights.items() if w] or [Decimal(0)]
    total_weight = sum((weights.get(r, Decimal(0)) for r in rates), Decimal(0))
    shares: list[Decimal] = []
    with localcontext() as ctx:
        ctx.prec = 40
        for rate in rates[:-1]:
            shares.append((amount * weights[rate] / total_weight).quantize(currency_exponent(currency), rounding=ROUND_DOWN))
    shares.append(amount - sum(shares, Decimal(0)))
    lines = []
    for i, (rate, gross) in enumerate(zip(rates, shares)):
        if gross == 0:
            continue
        label = description if len(rates) == 1 else f"{description} ({_plain(rate)}% tax)"
        net, line_rate = net_for_gross(gross, rate, currency)
        line = line_make(position=start + len(lines), description=label, sku="", quantity=Decimal(1), unit_net=net,
                         rate=line_rate, currency=currency, zero_category=zero_category,
                         supply=(supplies or {}).get(rate, ""))
        lines.append(line)
    return lines


def weights_of(sources: list[SourceLine], currency: str) -> "OrderedDict[Decimal, Decimal]":
    weights: OrderedDict[Decimal, Decimal] = OrderedDict()
    for s in sources:
        weights[s.rate] = weights.get(s.rate, Decimal(0)) + quantize(s.quantity * s.unit_gross, currency)
    return weights


def supplies_of(lines: Iterable[tuple[Decimal, str]]) -> dict[Decimal, str]:
    """{rate: supply} from (rate, supply) pairs, for each rate whose lines are all goods or all
    services (a summary line of that rate is then the same supply; mixed or unknown: the seller
    profile's default decides)."""
    seen: dict[Decimal, set[str]] = {}
    for rate, supply in lines:
        seen.setdefault(rate, set()).add(supply)
    return {rate: supply.pop() for rate, supply in seen.items() if len(supply) == 1 and "" not in supply}


def charges_line(*, sources: list[SourceLine], total_net: Decimal | None, total_gross: Decimal | None,
                 currency: str, zero_category: str, position: int) -> Line | None:
    """Saleor's order total beyond its lines (shipping, order discounts) as one line, or None."""
    if total_gross is None:
        return None
    lines_gross = sum((quantize(s.quantity * s.unit_gross, currency) for s in sources), Decimal(0))
    lines_net = sum((quantize(s.quantity * s.unit_net, currency) for s in sources), Decimal(0))
    rest_gross = total_gross - lines_gross
    rest_net = (total_net - lines_net) if total_net is not None else rest_gross
    if rest_gross == 0 and rest_net == 0:
        return None
    candidates = [s.rate for s in sources]
    rate = Decimal(0)
    if rest_net:
        for candidate in candidates:
            if rest_net + quantize(rest_net * candidate / HUNDRED, currency) == rest_gross:
                rate = candidate
                break
        else:  # no line rate gives Saleor's tax exactly: the closest one; the rest is rounding
            rate = min(candidates, key=lambda c: abs(rest_net + quantize(rest_net * c / HUNDRED, currency)
                                                     - rest_gross)) if candidates else Decimal(0)
    description = "Shipping and other charges" if rest_gross > 0 else "Order discount"
    # shipping follows the goods it ships (Art. 78 Directive 2006/112/EC: part of the taxable amount)
    supply = GOODS if any(s.supply == GOODS for s in sources) else ""
    return line_make(position=position, description=description, sku="", quantity=Decimal(1), unit_net=rest_net,
                     rate=rate, currency=currency, zero_category=zero_category, supply=supply)


def breakdown_and_totals(lines: list[Line], *, currency: str, prepaid: Decimal = Decimal(0)
                         ) -> tuple[tuple[TaxBreakdown, ...], Totals]:
    groups: OrderedDict[tuple[str, Decimal], Decimal] = OrderedDict()
    for line in lines:
        key = (line.tax_category, line.tax_rate)
        groups[key] = groups.get(key, Decimal(0)) + line.net
    breakdown = tuple(TaxBreakdown(category=c, rate=r, taxable=taxable, tax=quantize(taxable * r / HUNDRED, currency))
                      for (c, r), taxable in groups.items())
    net = sum((line.net for line in lines), Decimal(0))
    tax = sum((b.tax for b in breakdown), Decimal(0))
    gross = net + tax
    return breakdown, Totals(net=net, tax=tax, gross=gross, prepaid=prepaid, amount_due=gross - prepaid)


# --- remittance ---------------------------------------------------------------------------------

# SEPA scheme countries (EPC409-09 list of countries in the SEPA schemes' geographical scope):
# the EU/EEA, Switzerland, the UK, Monaco, San Marino, Vatican City, Andorra, and since 2024/25
# Albania, Moldova, Montenegro and North Macedonia. (GI, JE, GG, IM use GB-style IBANs of their own
# prefix and are in scope too.)
SEPA_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK "
    "IS LI NO CH GB MC SM VA AD AL MD ME MK GI JE GG IM".split())


def _epc_text(value: str, limit: int) -> str:
    """One EPC069-12 field: no line breaks or control characters (a newline would shift every
    later field), whitespace collapsed, at most `limit` characters."""
    cleaned = "".join(" " if (ch.isspace() or ord(ch) < 32 or 0x7f <= ord(ch) < 0xa0) else ch for ch in value)
    return " ".join(cleaned.split())[:limit]


def iban_is_sepa(iban: str) -> bool:
    """A valid IBAN (ISO 13616 check digits, national format: python-stdnum) of a SEPA country."""
    compact = "".join(iban.split()).upper()
    return compact[:2] in SEPA_COUNTRIES and stdnum_iban.is_valid(compact)


def epc_qr_payload(*, name: str, iban: str, bic: str, amount: Decimal, currency: str, reference: str) -> str:
    """EPC069-12 v002 SEPA credit transfer payload ("BCD"), or "" when it cannot apply (not EUR,
    no valid SEPA IBAN, no name, amount outside 0.01..999999999.99). Fields are sanitised
    (`_epc_text`); the payload ends with its last non-empty field (no trailing separator): with
    a structured RF reference that is the reference, else the amount."""
    name = _epc_text(name, 70)
    iban = "".join(iban.split()).upper()
    bic = _epc_text(bic, 11).replace(" ", "").upper()
    reference = _epc_text(reference, 35).replace(" ", "")
    if currency != "EUR" or not name or not iban_is_sepa(iban) \
            or not (Decimal("0.01") <= amount <= Decimal("999999999.99")):
        return ""
    lines = ["BCD", "002", "1", "SCT", bic, name, iban, f"EUR{quantize(amount, 'EUR')}"]
    if reference:
        lines += ["", reference]
    return "\n".join(lines)
