"""Several new rows written as ONE statement (PostgreSQL data-modifying CTEs), one by one elsewhere.

A hot path that writes a few rows of different tables in one transaction (the checkout under
the company lock: the decision record, its audit entry, the transaction) pays a round trip and
the ORM's statement building per row. ``inserts_run`` writes model instances that were built by
their domains' own services (each domain still decides its own row: one writer per fact) in one
statement, with the SQL text of each model's INSERT built once per process from its fields:

    WITH i0 AS (INSERT INTO decisions_decisionrecord (...) VALUES (...) RETURNING id),
         i1 AS (INSERT INTO audit_auditentry (..., object_id, ...) VALUES (..., (SELECT id FROM i0)::text, ...)
                RETURNING id)
    SELECT (SELECT id FROM i0), (SELECT id FROM i1)

A column may take the id of an earlier row of the same call (``Insert.refs``). Field values go
through each field's own ``pre_save`` (``auto_now_add``) and ``get_db_prep_save``, exactly as
``Model.save(force_insert=True)`` would; afterwards every instance has its primary key and is
marked saved. Elsewhere (SQLite, the embedded default) each instance is saved in order.
"""
from __future__ import annotations

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


_SQL: dict[tuple, tuple[str, tuple]] = {}  # (model, ref columns) → (INSERT text with {i} marks, fields)


def _insert_sql(model: type[Model], refs: frozenset[str]) -> tuple[str, tuple]:
    key = (model, refs)
    built = _SQL.get(key)
    if built is None:
        meta = model._meta
        fields = tuple(f for f in meta.local_concrete_fields if not f.primary_key)
        quote = connection.ops.quote_name
        values = ", ".join("{%s}" % f.attname if f.attname in refs else "%s" for f in fields)
        built = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
                 f" VALUES ({values}) RETURNING {quote(meta.pk.column)}", fields)
        _SQL[key] = built
    return built


def inserts_run(*inserts: Insert) -> None:
    """Insert every instance, in order, in the caller's transaction: one statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        for insert in inserts:
            _refs_set(insert)
            insert.instance.save(force_insert=True)
        return
    position = {id(insert): n for n, insert in enumerate(inserts)}
    parts, params = [], []
    for n, insert in enumerate(inserts):
        instance = insert.instance
        sql, fields = _insert_sql(type(instance), frozenset(insert.refs))
        marks = {attname: f"(SELECT id FROM i{position[id(earlier)]})" + ("::text" if convert is str else "")
                 for attname, (earlier, convert) in insert.refs.items()}
        parts.append(f"i{n} AS ({sql.format(**marks)})")
        for f in fields:
            if f.attname not in insert.refs:
                params.append(f.get_db_prep_save(f.pre_save(instance, True), connection))
    select = ", ".join(f"(SELECT id FROM i{n})" for n in range(len(inserts)))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {select}", params)
        ids = cursor.fetchone()
    for insert, pk in zip(inserts, ids):
        insert.instance.pk = pk
    for insert in inserts:
        _refs_set(insert)
        insert.instance._state.adding = False
        insert.instance._state.db = connection.alias


def _refs_set(insert: Insert) -> None:
    for attname, (earlier, convert) in insert.refs.items():
        setattr(insert.instance, attname, convert(earlier.instance.pk))
