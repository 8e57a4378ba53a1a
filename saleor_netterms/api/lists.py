"""One shape for the merchant API's long lists: a page of rows with the total count, filtered and
sorted by named keys, and the same filter as CSV (the Dashboard's "Export CSV").

``list_page(qs, first=, offset=)`` → ``ListPage(items, total_count)``; ``sorted_by(qs, sort=, sorts=,
default=)`` orders it: ``sorts`` maps the API's sort names ("RECEIVED_ON", "-AMOUNT") to ORM orderings,
newest first by default. A list a selector reads in SQL (the receivables reports) takes the same
names through ``sort_parse`` and the same page through ``rows_page(fetch, count, first=, offset=)``.
``page_type(name, item_type)`` builds the GraphQL type ``<Name>Page { items totalCount }``.
``limit_parse(first, default=, maximum=)`` bounds a log-like list (newest or after a cursor).
``rows_sorted(rows, sort=, keys=)`` sorts a list computed in Python by the same names.
``csv_text(header, rows)`` writes RFC 4180 CSV (one header row, ``\\r\\n`` line ends)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import graphene
from django.db.models import F

from .errors import ApiInputError
from .inputs import page_parse

MAX_EXPORT_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class ListPage:
    items: list
    total_count: int


def sort_parse(sort: str | None, *, names, default: str) -> tuple[str, bool]:
    """``(name, descending)`` of a sort argument ("AMOUNT", "-AMOUNT"); an unknown name is a coded 400
    naming the allowed ones."""
    name = sort or default
    key = name.lstrip("-")
    if key not in names:
        raise ApiInputError("INVALID_SORT", f"sort must be one of {', '.join(sorted(names))} (prefix - for "
                                            f"descending).", field="sort")
    return key, name.startswith("-")


def sorted_by(qs, *, sort: str | None, sorts: dict[str, tuple[str, ...]], default: str):
    """``qs`` ordered by the named sort ("AMOUNT", or "-AMOUNT" for descending), rows without a value
    (no limit, nothing overdue) last either way; an unknown name is a coded 400 naming the allowed ones."""
    key, descending = sort_parse(sort, names=sorts, default=default)
    ordering = []
    for field in sorts[key]:
        flipped = field.startswith("-") != descending
        column = F(field.lstrip("-"))
        ordering.append(column.desc(nulls_last=True) if flipped else column.asc(nulls_last=True))
    return qs.order_by(*ordering)


def rows_sorted(rows, *, sort: str | None, keys: dict, default: str) -> list:
    """A list computed in Python (the collections book) sorted like ``sorted_by``: ``keys`` maps the
    sort names to a function of a row; rows whose key is None last either way; ties keep their order."""
    key, descending = sort_parse(sort, names=keys, default=default)
    rows = list(rows)
    present = [r for r in rows if keys[key](r) is not None]
    missing = [r for r in rows if keys[key](r) is None]
    return sorted(present, key=keys[key], reverse=descending) + missing


def limit_parse(first: int | None, *, default: int, maximum: int) -> int:
    """How many rows a log-like list (ERP deliveries, integration events) returns: 1..maximum, or a
    coded 400 naming the range."""
    first = default if first is None else first
    if not 0 < first <= maximum:
        raise ApiInputError("INVALID_PAGINATION", f"first must be 1 to {maximum}.", field="first")
    return first


def list_page(qs, *, first: int | None, offset: int | None) -> ListPage:
    first, offset = page_parse(first, offset)
    return ListPage(items=list(qs[offset:offset + first]), total_count=qs.count())


def rows_page(fetch, count, *, first: int | None, offset: int | None) -> ListPage:
    """A page of a list a selector reads in SQL: ``fetch(limit, offset)`` the rows, ``count()`` how many
    match in all (the same bounds and coded 400 as ``list_page``)."""
    first, offset = page_parse(first, offset)
    return ListPage(items=fetch(first, offset), total_count=count())


def page_type(name: str, item_type) -> type:
    return type(f"{name}PageType", (graphene.ObjectType,), {
        "Meta": type("Meta", (), {"name": f"{name}Page",
                                  "description": f"A page of {name} rows and how many match in all."}),
        "items": graphene.List(graphene.NonNull(item_type), required=True),
        "total_count": graphene.Int(required=True, description="Rows matching the filter, on every page."),
    })


def csv_text(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for n, row in enumerate(rows):
        if n >= MAX_EXPORT_ROWS:
            break
        writer.writerow(row)
    return out.getvalue()
