"""Tax ids as their country writes them (python-stdnum), unchanged when not recognised."""
import pytest

from saleor_netterms.core.formatting import tax_id_text


@pytest.mark.parametrize("tax_id, country, shown", [
    ("911144442", "US", "91-1144442"),          # EIN
    ("DE136695976", "DE", "DE136695976"),       # German VAT id: prefix + digits
    ("136695976", "de", "DE136695976"),         # stored without its prefix, lower-case country
    ("GB980780684", "GB", "GB 980 7806 84"),    # UK VAT in its grouped form
    ("ATU13585627", "AT", "ATU13585627"),
    ("12345", "US", "12345"),                   # not a valid EIN: as stored
    ("ABC", "ZZ", "ABC"),                       # no rules for the country
    ("", "US", ""), ("911144442", "", "911144442"),
])
def test_tax_id_text(tax_id, country, shown):
    assert tax_id_text(tax_id, country) == shown
