"""Several new rows written as ONE statement (PostgreSQL data-modifying CTEs), one by one elsewhere.

A hot path that writes a few rows of different tables in one transaction (the checkout under
the company lock: the decision record, its audit entry, the transaction) pays a round trip and
the ORM's statement building per row. ``inserts_run`` writes model instances that were built by
their domains' own services (each domain still decides its own row: one writer per fact) in one
statement, with the SQL text of each model's INSERT built once per process from its fields:

    WITH i0 AS (INSERT INTO <the record's table> (...) VALUES (...) RETURNING id),
         i1 AS (INSERT INTO <the audit table> (..., object_id, ...) VALUES (..., (SELECT id FROM i0)::text, ...)
                RETURNING id)
    SELECT (SELECT id FROM i0), (SELECT id FROM i1)

A column may take the id of an earlier row of the same call (``Insert.refs``). Field values go
through each field's own ``pre_save`` (``auto_now_add``) and ``get_db_prep_save``, exactly as
``Model.save(force_insert=True)`` would; afterwards every instance has its primary key and is
marked saved. Another module's data-modifying statement may ride along (``Rider``: the ledger's
one-statement posting). Elsewhere (SQLite, the embedded default) each instance is saved in order.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model


@dataclass
class Insert:
    """One new row: ``instance`` (its primary key unset) and the columns that take the primary key
    of an earlier row of the same ``inserts_run`` call: ``refs = {attname: (insert, convert)}``
    (``convert``: ``int`` for a foreign key, ``str`` for a text column such as an audit object id)."""

    instance: Model
    refs: dict[str, tuple[Insert, type]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rider:
    """A statement of another module that rides along with the inserts (PostgreSQL): its CTEs
    (``name AS (…), …`` with names of its own — ``i0``, ``i1``, … are the inserts'), their
    parameters, the SQL of its result columns and ``finish``, which turns those columns' values
    into what ``inserts_run`` returns (the ledger's posting: ``ledger.services.hold_place_with``)."""

    ctes: str
    params: list
    result: str
    finish: Callable[[tuple], object]


_SQL: dict[tuple, tuple[str, tuple]] = {}  # (model, pk given, ref columns) → (INSERT text with {…} marks, fields)


def _insert_sql(model: type[Model], with_pk: bool, refs: frozenset[str]) -> tuple[str, tuple]:
    key = (model, with_pk, refs)
    built = _SQL.get(key)
    if built is None:
        meta = model._meta
        fields = tuple(f for f in meta.local_concrete_fields if with_pk or not f.primary_key)
        quote = connection.ops.quote_name
        values = ", ".join("{%s}" % f.attname if f.attname in refs else "%s" for f in fields)
        built = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
                 f" VALUES ({values}) RETURNING {quote(meta.pk.column)}", fields)
        _SQL[key] = built
    return built


def inserts_run(*inserts: Insert, rider: Rider | None = None, also: Sequence[Rider] = ()) -> object:
    """Insert every instance, in order, in the caller's transaction: one statement on PostgreSQL,
    with the ``rider``'s statement in it (its ``finish`` result is returned; None without one).
    ``also``: more riders whose CTEs run in the same statement; their ``result`` is not read and
    each one's ``finish`` is called with ``()`` once the statement ran (it learns it was written).
    An instance whose primary key is set (reserved by the caller) is inserted with it."""
    if connection.vendor != "postgresql":
        if rider is not None or also:
            raise ValueError("a rider's statement rides along on PostgreSQL only")
        for insert in inserts:
            _refs_set(insert)
            insert.instance.save(force_insert=True)
        return None
    position = {id(insert): n for n, insert in enumerate(inserts)}
    parts, params = [], []
    for n, insert in enumerate(inserts):
        instance = insert.instance
        sql, fields = _insert_sql(type(instance), instance.pk is not None, frozenset(insert.refs))
        marks = {attname: f"(SELECT id FROM i{position[id(earlier)]})" + ("::text" if convert is str else "")
                 for attname, (earlier, convert) in insert.refs.items()}
        parts.append(f"i{n} AS ({sql.format(**marks)})")
        for f in fields:
            if f.attname not in insert.refs:
                params.append(f.get_db_prep_save(f.pre_save(instance, True), connection))
    select = [f"(SELECT id FROM i{n})" for n in range(len(inserts))]
    if rider is not None:
        parts.append(rider.ctes)
        params.extend(rider.params)
        select.append(rider.result)
    for other in also:
        parts.append(other.ctes)
        params.extend(other.params)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {', '.join(select) or 'NULL'}", params)
        row = cursor.fetchone()
    for other in also:
        other.finish(())
    for insert, pk in zip(inserts, row):
        insert.instance.pk = pk
    for insert in inserts:
        _refs_set(insert)
        insert.instance._state.adding = False
        insert.instance._state.db = connection.alias
    return rider.finish(row[len(inserts):]) if rider is not None else None


def _refs_set(insert: Insert) -> None:
    for attname, (earlier, convert) in insert.refs.items():
        setattr(insert.instance, attname, convert(earlier.instance.pk))
