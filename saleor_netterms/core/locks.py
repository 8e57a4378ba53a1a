"""Knowing, without asking the database, that this transaction already holds a row lock.

``companies.services.company_lock`` takes ``SELECT … FOR UPDATE`` on the company row and marks
the instance it returns; the ledger, handed that instance, trusts the mark and does not lock the
row a second time (one lock, taken once).

The mark is an ``on_commit`` callback registered when the lock is taken. Django keeps such a
callback exactly as long as the lock lives: it is run and dropped at commit, dropped at rollback,
and dropped when the savepoint it was registered in is rolled back — which is also when
PostgreSQL releases a row lock taken after that savepoint. So "the callback is still pending on
this connection" is "the lock is still held".
"""
from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, transaction

_ATTRIBUTE = "_row_lock_mark"


class _LockMark:
    __slots__ = ("alias",)

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(self) -> None:  # run at commit: nothing to do, the lock ends with the transaction
        return None


def row_lock_mark(instance, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record on ``instance`` that its row is locked FOR UPDATE in the current transaction."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return  # no transaction, no lock to remember
    mark = _LockMark(using)
    transaction.on_commit(mark, using=using)
    setattr(instance, _ATTRIBUTE, mark)


def row_lock_held(instance, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """True if ``instance`` was marked by ``row_lock_mark`` in a transaction (or savepoint) that
    is still open on this connection."""
    mark = getattr(instance, _ATTRIBUTE, None)
    if mark is None or mark.alias != using:
        return False
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return False
    return any(entry[1] is mark for entry in connection.run_on_commit)
