"""The GraphQL documents the app sends to Saleor: files under `graphql/`, pinned and validated
against the Saleor schema by the contract tests (STYLE.md §9, FACTS.md §10).

A document is named by its path without suffix (`"mutations/transaction_event_report"`) or by its
operation name (`"TransactionEventReport"`)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graphql import OperationDefinitionNode, parse

from .errors import DocumentNotFound

GRAPHQL_DIR = Path(__file__).resolve().parent.parent.parent / "graphql"
OUTBOUND_FOLDERS = ("queries", "mutations")


@dataclass(frozen=True)
class Document:
    name: str  # "mutations/transaction_event_report"
    text: str
    operation_name: str | None
    operation_type: str  # "query" | "mutation" | "subscription"


def document_paths() -> list[Path]:
    """Every outbound document (queries and mutations), sorted."""
    return sorted(p for folder in OUTBOUND_FOLDERS for p in (GRAPHQL_DIR / folder).glob("*.graphql"))


def _parse(name: str, text: str) -> Document:
    operations = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise DocumentNotFound(f"{name}: expected exactly one operation, found {len(operations)}")
    op = operations[0]
    return Document(name=name, text=text, operation_name=op.name.value if op.name else None,
                    operation_type=op.operation.value)


@lru_cache(maxsize=None)
def _by_operation_name() -> dict[str, str]:
    index: dict[str, str] = {}
    for path in document_paths():
        name = path.relative_to(GRAPHQL_DIR).with_suffix("").as_posix()
        doc = _parse(name, path.read_text())
        if doc.operation_name:
            index[doc.operation_name] = name
    return index


@lru_cache(maxsize=None)
def document_get(name: str) -> Document:
    """A document by relative name or operation name (parsed once, cached)."""
    relative = _by_operation_name().get(name, name)
    root = GRAPHQL_DIR.resolve()
    path = (root / f"{relative}.graphql").resolve()
    if root not in path.parents or not path.is_file():
        raise DocumentNotFound(f"no GraphQL document {name!r} under {GRAPHQL_DIR}")
    return _parse(relative, path.read_text())


def document_load(name: str) -> str:
    return document_get(name).text
