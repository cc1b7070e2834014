"""Find every database row that belongs to a user, whatever app it lives in.

A row belongs to a user when a chain of foreign keys leads from it to the
user (entry -> user, delivery -> subscription -> user). The chains are found
from the model graph, so models added later are covered without edits here.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

MAX_HOPS = 4


def ownership_paths() -> dict[type[models.Model], list[str]]:
    """model -> ORM lookups that reach the user's primary key (e.g. ``subscription__user``)."""
    user_model = get_user_model()
    paths: dict[type[models.Model], list[str]] = {}
    frontier: dict[type[models.Model], list[str]] = {user_model: [""]}
    for _ in range(MAX_HOPS):
        next_frontier: dict[type[models.Model], list[str]] = {}
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if not (field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete):
                    continue
                target = field.related_model
                for suffix in frontier.get(target, []):
                    lookup = field.name + (f"__{suffix}" if suffix else "")
                    if lookup not in paths.setdefault(model, []):
                        paths[model].append(lookup)
                        next_frontier.setdefault(model, []).append(lookup)
        if not next_frontier:
            break
        frontier = next_frontier
    paths.pop(user_model, None)
    return paths


def owned_rows(user_pk: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row reachable from the user, by model label, as sorted plain values."""
    user_model = get_user_model()
    found: dict[str, list[dict[str, Any]]] = {}
    user_rows = list(user_model.objects.filter(pk=user_pk).values())
    if user_rows:
        found[user_model._meta.label] = user_rows
    for model, lookups in ownership_paths().items():
        query = models.Q()
        for lookup in lookups:
            query |= models.Q(**{lookup: user_pk})
        rows = list(model._default_manager.filter(query).distinct().order_by("pk").values())
        if rows:
            found[model._meta.label] = rows
    return found


def row_counts() -> dict[str, int]:
    """Rows per model, all users: catches rows a deletion orphans rather than removes."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}
