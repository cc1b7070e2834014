"""Inserting many rows at once, faster than ``bulk_create`` where the database allows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

# Values of these fields reach psycopg as they are (UUID, str, int, bool, aware datetime, None).
_PASSED_AS_THEY_ARE = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateTimeField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
        "UUIDField",
    }
)


def insert_rows(*, model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` ({attname: value}) into ``model``'s table in one statement; no signals.

    A field a row leaves out gets its default, or now for auto_now and auto_now_add.
    Datetimes must be aware. On PostgreSQL every column goes as one array through
    ``INSERT ... SELECT FROM unnest(...)``: for 500 pain entries about half the time of
    ``bulk_create``, which builds a model instance and quotes a parameter per value.
    Elsewhere it is ``bulk_create``. A duplicate key raises IntegrityError either way.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows])
        return
    now = timezone.now()
    fields = model._meta.concrete_fields
    columns: list[list[Any]] = []
    for field in fields:
        name = field.attname
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            column = [row.get(name, now) for row in rows]
        elif field.has_default() or field.null:
            column = [row[name] if name in row else field.get_default() for row in rows]
        else:
            column = [row[name] for row in rows]
        if field.get_internal_type() not in _PASSED_AS_THEY_ARE:
            column = [field.get_db_prep_save(value, connection) for value in column]
        columns.append(column)
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        # Names and types come from the model; every value is a parameter.
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})", columns)  # noqa: S608
