"""A hot query the ORM defines, compiled ONCE per process per shape; each call only binds its values.

Building a queryset and compiling it to SQL costs a millisecond or more of CPU per query (a
checkout authorization spent most of its app CPU there); the SQL text of a query of one shape
never changes, only its parameters do. ``CompiledQuery`` keeps the ORM as the one definition of
the query and compiles it once (PostgreSQL):

    _MEMBERS = CompiledQuery(
        lambda *, installation_id, user_id: Member.objects.filter(installation_id=installation_id, value=user_id),
        installation_id=(-1, -2), user_id=("~sample-1", "~sample-2"))

    members = _MEMBERS.instances(installation_id=installation.pk, user_id=user_id)   # model instances
    rows = _OTHER.rows(...)                                                            # tuples
    sql, params = _OTHER.bind(...)                                                     # to combine or run later

How it binds: the builder is called twice with two different samples of every value, and both
compilations must give the same SQL text; every parameter that differs between them must be
exactly the sample of one value in each (it is then that value's slot), every other parameter
is a constant. A parameter the query derives from a value (``today - 365 days``, a lower-cased
e-mail) cannot be bound and fails loudly (``NotCompilable``): pass the derived value in instead.

Shape: a value given as None is passed to the builder as None (not as a sample), and the
queries with and without it are compiled separately, so a builder may branch on ``is None``
(and only on that). Elsewhere (SQLite, the embedded default) every call builds and runs the
queryset through the ORM as before.

Model instances are made from the rows exactly as Django's own ``ModelIterable`` makes them
(``from_db``, ``select_related`` populators, annotations, the fields' converters).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class NotCompilable(Exception):
    """The builder's query cannot be compiled once and bound (a parameter is derived from a value)."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (position in params, value name)
    compiler: object | None  # the SQL compiler of a queryset (its select, klass_info)
    converters: dict  # the compiler's converters of the selected columns (found once)
    populate: object | None  # (model, init_list, start, end, related populators, annotation columns)

    def converted(self, rows: list) -> list:
        return list(self.compiler.apply_converters(rows, self.converters)) if self.converters else rows


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet | tuple[str, list]], **samples: tuple[object, object]):
        for name, pair in samples.items():
            if len(pair) != 2 or pair[0] == pair[1]:
                raise ValueError(f"{name}: two different samples are needed")
        self._build, self._samples = build, samples
        self._compiled: dict[tuple, _Compiled] = {}

    # --- the calls ---------------------------------------------------------------------------

    def bind(self, **values) -> tuple[str, list]:
        """The SQL and this call's parameters (PostgreSQL: compiled once per shape)."""
        compiled = self._compiled_for(values)
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = values[name]
        return compiled.sql, params

    def rows(self, **values) -> list[tuple]:
        """The rows, as the queryset's ``values_list`` would give them (converters applied)."""
        if connection.vendor != "postgresql":
            built = self._build(**values)
            return list(built) if isinstance(built, QuerySet) else _fetchall(*built)
        compiled = self._compiled_for(values)
        rows = _fetchall(*self.bind(**values))
        if compiled.compiler is None:
            return rows
        return [tuple(r) for r in compiled.converted(rows)]

    def instances(self, **values) -> list:
        """The queryset's model instances (with its ``select_related`` and annotations)."""
        if connection.vendor != "postgresql":
            return list(self._build(**values))
        compiled = self._compiled_for(values)
        if compiled.populate is None:
            raise TypeError("instances() needs a builder returning a queryset of model instances")
        model, init_list, start, end, related, annotations = compiled.populate
        db = connection.alias
        made = []
        for row in compiled.converted(_fetchall(*self.bind(**values))):
            obj = model.from_db(db, init_list, row[start:end])
            for populator in related:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            made.append(obj)
        return made

    # --- compiling ---------------------------------------------------------------------------

    def _compiled_for(self, values: dict) -> _Compiled:
        unknown = set(values) - set(self._samples)
        if unknown:
            raise TypeError(f"no samples for {sorted(unknown)}")
        absent = tuple(sorted(name for name, value in values.items() if value is None))
        key = (connection.alias, absent)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(absent)
        return compiled

    def _compile(self, absent: tuple[str, ...]) -> _Compiled:
        first = {n: None if n in absent else pair[0] for n, pair in self._samples.items()}
        second = {n: None if n in absent else pair[1] for n, pair in self._samples.items()}
        sql, params, compiler, populate = _sql_of(self._build(**first))
        converters = (compiler.get_converters([s[0] for s in compiler.select[0:compiler.col_count]])
                      if compiler is not None else {})
        sql_2, params_2, _, _ = _sql_of(self._build(**second))
        if sql != sql_2 or len(params) != len(params_2):
            raise NotCompilable("the SQL text depends on the values (a value is inlined, or the builder "
                                "branches on something other than None)")
        slots = []
        for position, (one, two) in enumerate(zip(params, params_2)):
            if _same(one, two):
                continue  # a constant of the query
            names = [n for n in self._samples if n not in absent
                     and _same(one, first[n]) and _same(two, second[n])]
            if len(names) != 1:
                raise NotCompilable(f"parameter {position} ({one!r} / {two!r}) is not one of the values as given")
            slots.append((position, names[0]))
        return _Compiled(sql=sql, params=tuple(params), slots=tuple(slots), compiler=compiler,
                         converters=converters, populate=populate)


def _same(one, two) -> bool:
    return type(one) is type(two) and one == two


def _sql_of(built) -> tuple[str, list, object | None, object | None]:
    if not isinstance(built, QuerySet):
        sql, params = built
        return sql, list(params), None, None
    compiler = built.query.get_compiler(using=built.db)
    sql, params = compiler.as_sql()
    populate = None
    if compiler.klass_info is not None:  # a queryset of model instances (not values / values_list)
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        populate = (klass_info["model"], [f[0].target.attname for f in select[start:end]], start, end,
                    get_related_populators(klass_info, select, built.db), dict(compiler.annotation_col_map))
    return sql, list(params), compiler, populate


def _fetchall(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
