"""The read behind a sync pull: the client's position, the version bound and the changes, in one statement.

A pull used to make one round trip for the position and the bound and one
per record table; each round trip costs about what the whole SELECT of a
page costs. Here the position row and the page of every record table come
back as one UNION ALL: a row of ``part`` 0 holds the position, the others
one record each, with NULL in the columns of the other tables.

One statement also means one snapshot. Writes of a user commit their rows
and the new ``last_version`` together, in version order, so every record of
version <= the bound read in this snapshot is in it, and every mutation the
client's ``last_mutation_id`` confirms committed before that bound (see
``sync_pull``).

Records come back as ``PulledRecord`` tuples, not model instances: building
a model per row (``Model.__init__``) cost about 40 % of a 500-record page. A
tuple has the attributes the output serializers read, ``local_date`` included.
"""

from __future__ import annotations

import uuid
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Field

from journal.models import RECORD_MODELS, SyncClient, SyncedRecord, SyncState

# What a pulled record carries: what the output serializers and a tombstone need.
_RECORD_FIELDS = ("id", "version", "deleted", "occurred_at", "time_zone", "note", "updated_at")


@dataclass(frozen=True)
class PullPosition:
    client_user_id: int | None  # None: no such client (yet)
    last_mutation_id: int
    revoked: bool
    bound: int
    purged: int


class PulledRecord(tuple):
    """A record read for a pull: a named tuple per record type (made below), plus these."""

    __slots__ = ()
    sync_type: str
    deleted: bool
    version: int

    @property
    def local_date(self) -> date:
        # The model's own rule: it reads only occurred_at and time_zone, which the tuple has.
        return SyncedRecord.local_date.fget(self)


@dataclass(frozen=True)
class _Branch:
    record_type: str
    make: Callable[[tuple], PulledRecord]  # record tuple from the columns of a union row


@dataclass(frozen=True)
class _PullQuery:
    sql: str
    branches: tuple[_Branch, ...]  # part 1, 2, ... in this order
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]  # (column, converters, expression)


def _record_type_of(model: type[SyncedRecord]) -> type[PulledRecord]:
    names = [*_RECORD_FIELDS, *(n for n in model.domain_fields if n not in _RECORD_FIELDS)]
    base = namedtuple(f"Pulled{model.__name__}", names)
    return type(base.__name__, (base, PulledRecord), {"__slots__": (), "sync_type": model.sync_type})


def _maker(tuple_type: type[PulledRecord], pick: Callable[[tuple], tuple]) -> Callable[[tuple], PulledRecord]:
    def make(row: tuple) -> PulledRecord:
        return tuple.__new__(tuple_type, pick(row))

    return make


def _converters(field: Field) -> tuple[tuple[Callable, ...], Any]:
    """What Django applies to a column of this field when it reads a row (e.g. SQLite's text datetimes)."""
    expression = field.get_col(field.model._meta.db_table)
    found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    return tuple(found), expression


@cache
def _pull_query(vendor: str) -> _PullQuery:
    """The statement for this database, built from the models' tables and columns (values are parameters)."""
    del vendor  # only the cache key: the SQL follows the connection's types
    state, client = SyncState._meta, SyncClient._meta
    position_fields: list[Field] = [
        state.get_field("last_version"),
        state.get_field("purged_through_version"),
        client.get_field("user"),
        client.get_field("last_mutation_id"),
        client.get_field("revoked_at"),
    ]
    # Union columns after part and the position: every record column, each name once.
    record_columns: dict[str, Field] = {}
    for model in RECORD_MODELS.values():
        for name in _record_type_of(model)._fields:
            field = model._meta.get_field(name)
            known = record_columns.setdefault(name, field)
            if known.db_type(connection) != field.db_type(connection):
                raise TypeError(f"{name} has different column types in the record tables")
    quote = connection.ops.quote_name

    def null(field: Field) -> str:
        return f"CAST(NULL AS {field.db_type(connection)})"

    def column(meta: Any, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    bigint = state.get_field("last_version").db_type(connection)
    position = (
        f"SELECT 0 AS part, CAST(NULL AS {bigint}) AS {quote('version')}, "  # noqa: S608
        + ", ".join(column(field.model._meta, field.name) for field in position_fields)
        + ", "
        + ", ".join(null(field) for field in record_columns.values())
        + f" FROM (SELECT 1 AS one) AS here "
        f"LEFT JOIN {quote(state.db_table)} ON {column(state, 'user')} = %s "
        f"LEFT JOIN {quote(client.db_table)} ON {column(client, 'client_id')} = %s"
    )
    selects = [position]
    branches = []
    bound = (
        f"(SELECT {column(state, 'last_version')} FROM {quote(state.db_table)} "  # noqa: S608
        f"WHERE {column(state, 'user')} = %s)"
    )
    for part, (record_type, model) in enumerate(RECORD_MODELS.items(), start=1):
        meta = model._meta
        tuple_type = _record_type_of(model)
        own = set(tuple_type._fields)
        version = column(meta, "version")
        values = ", ".join(
            column(meta, name) if name in own else null(field) for name, field in record_columns.items()
        )
        # Each table's page in a subquery of its own: its index on (user, version) serves the
        # ORDER BY and LIMIT, and SQLite accepts no LIMIT on a bare member of a UNION.
        selects.append(
            f"SELECT * FROM (SELECT {part} AS part, {version} AS {quote('version')}, "  # noqa: S608
            + ", ".join(null(field) for field in position_fields)
            + f", {values} FROM {quote(meta.db_table)} "
            f"WHERE {column(meta, 'user')} = %s AND {version} > %s AND {version} <= {bound} "
            f"ORDER BY {version} LIMIT %s) AS part_{part}"
        )
        first = 2 + len(position_fields)
        indexes = [first + list(record_columns).index(name) for name in tuple_type._fields]
        branches.append(_Branch(record_type, _maker(tuple_type, itemgetter(*indexes))))
    converters = []
    for index, field in enumerate([*position_fields, *record_columns.values()], start=2):
        found, expression = _converters(field)
        if found:
            converters.append((index, found, expression))
    return _PullQuery(" UNION ALL ".join(selects), tuple(branches), tuple(converters))


def pull_rows(
    *, user_id: int, client_id: uuid.UUID | None, cursor: int, limit: int
) -> tuple[PullPosition, list[PulledRecord]]:
    """The client's position and, per record table, at most ``limit`` records of version in (cursor, bound].

    Records come in no particular order across tables; the caller sorts them by version.
    """
    query = _pull_query(connection.vendor)
    client_key = SyncClient._meta.pk.get_db_prep_value(client_id, connection) if client_id else None
    params: list[Any] = [user_id, client_key]
    for _ in query.branches:
        params += [user_id, cursor, user_id, limit]
    with connection.cursor() as db:
        db.execute(query.sql, params)
        rows = db.fetchall()
    if query.converters:
        rows = [_converted(row, query.converters) for row in rows]
    records: list[PulledRecord] = []
    position = None
    for row in rows:
        part = row[0]
        if part == 0:
            position = row
        else:
            records.append(query.branches[part - 1].make(row))
    assert position is not None  # always one position row: a LEFT JOIN on one row
    bound, purged, client_user_id, last_mutation_id, revoked_at = position[2:7]
    return (
        PullPosition(
            client_user_id=client_user_id,
            last_mutation_id=last_mutation_id or 0,
            revoked=revoked_at is not None,
            bound=bound or 0,
            purged=purged or 0,
        ),
        records,
    )


def _converted(row: tuple, converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]) -> tuple:
    values = list(row)
    for index, found, expression in converters:
        value = values[index]
        for convert in found:
            value = convert(value, expression, connection)
        values[index] = value
    return tuple(values)
