from tests.api.conftest import gql, gql_raw, other_installation  # noqa: F401 - the API fixtures
from tests.invoicing.conftest import acme, held_order  # noqa: F401 - an invoiceable order
