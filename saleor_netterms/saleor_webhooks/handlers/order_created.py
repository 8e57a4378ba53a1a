"""ORDER_CREATED → bind our transactions to the order (number, lines, totals, billing)."""
from ._order_binding import bind


def handle(*, installation, payload: dict, delivery=None) -> dict:
    return bind(installation=installation, payload=payload)
