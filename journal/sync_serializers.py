"""Shapes of /api/sync/push and /api/sync/pull (see shared/design/sync-protocol.md).

The envelope (client id, schema, mutation ids, types, ops, record objects) is
checked as a whole: a malformed envelope is a broken client and gets a 400 that
changes nothing. Record fields are checked per mutation by the REST input
serializers and refused one by one in ``rejected``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from journal.models import RECORD_MODELS, MassageSession, PainEntry
from journal.serializers import (
    MassageSessionOutputSerializer,
    PainEntryOutputSerializer,
    StrictIntegerField,
    StrictUUIDField,
)
from journal.services.sync import MAX_MUTATIONS_PER_PUSH, MAX_PULL_PAGE

RECORD_TYPE_CHOICES = list(RECORD_MODELS)
# Counters are stored as bigint: a larger number is garbage, and would overflow the query.
BIGINT_MAX = 2**63 - 1


class RecordObjectField(serializers.DictField):
    """A JSON object passed on as is: the record serializers check its fields, per mutation.

    DictField would run a no-op child validation on every value of every record.
    """

    def run_child_validation(self, data: dict[str, Any]) -> dict[str, Any]:
        return dict(data)


class MutationSerializer(serializers.Serializer):
    id = StrictIntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text="Per-client mutation number: last + 1, then + 1 each."
    )
    type = serializers.ChoiceField(choices=RECORD_TYPE_CHOICES)
    op = serializers.ChoiceField(choices=["upsert", "delete"])
    record = RecordObjectField(
        help_text="The record's id plus, for an upsert, the fields the user changed (all fields on create)."
    )


class MutationListField(serializers.ListField):
    """A list of mutations whose length is checked before any item is (10,000 items fail fast)."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, list) and len(data) > MAX_MUTATIONS_PER_PUSH:
            raise serializers.ValidationError(
                f"At most {MAX_MUTATIONS_PER_PUSH} mutations per push; got {len(data)}. Send the rest in "
                "the next push."
            )
        return super().to_internal_value(data)


class PushRequestSerializer(serializers.Serializer):
    client_id = StrictUUIDField(help_text="Made once per install, kept on the device.")
    schema = StrictIntegerField(
        min_value=0, max_value=BIGINT_MAX, help_text="The client's sync schema number."
    )
    mutations = MutationListField(child=MutationSerializer(), max_length=MAX_MUTATIONS_PER_PUSH)


class RejectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The mutation id.")
    code = serializers.ChoiceField(choices=["invalid", "gone", "forbidden"])
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text='{"field": ["message"]}'
    )


class PushResponseSerializer(serializers.Serializer):
    last_mutation_id = serializers.IntegerField()
    rejected = RejectionSerializer(many=True)


class PullQuerySerializer(serializers.Serializer):
    cursor = serializers.IntegerField(
        min_value=0, max_value=BIGINT_MAX, default=0, help_text="Highest version already applied; 0 = all."
    )
    limit = serializers.IntegerField(min_value=1, max_value=MAX_PULL_PAGE, default=MAX_PULL_PAGE)
    rejected_after = serializers.IntegerField(
        min_value=0,
        max_value=BIGINT_MAX,
        required=False,
        help_text="Also list this client's rejected mutations with a greater id (up to last_mutation_id).",
    )
    schema = serializers.IntegerField(min_value=0, max_value=BIGINT_MAX, required=False)


class _ChangeFields(serializers.Serializer):
    type = serializers.CharField()
    deleted = serializers.BooleanField()


class PainEntryChangeSerializer(PainEntryOutputSerializer, _ChangeFields):
    """A pain entry change; a tombstone has only id, type, deleted and version."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, field in fields.items():
            field.required = name in {"id", "type", "deleted", "version"}
        return fields


class MassageSessionChangeSerializer(MassageSessionOutputSerializer, _ChangeFields):
    """A massage session change; a tombstone has only id, type, deleted and version."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, field in fields.items():
            field.required = name in {"id", "type", "deleted", "version"}
        return fields


SyncChangeSerializer = PolymorphicProxySerializer(
    component_name="SyncChange",
    serializers={
        PainEntry.sync_type: PainEntryChangeSerializer,
        MassageSession.sync_type: MassageSessionChangeSerializer,
    },
    resource_type_field_name="type",
    many=True,
)


class PullResponseSerializer(serializers.Serializer):
    changes = SyncChangeSerializer
    cursor = serializers.IntegerField(help_text="Send as cursor next time.")
    more = serializers.BooleanField(help_text="Pull again at once while true.")
    last_mutation_id = serializers.IntegerField(help_text="This client's, from X-Client-Id; 0 if unknown.")
    reset = serializers.BooleanField(help_text="True: push the outbox, then re-sync from cursor 0.")
    rejected = RejectionSerializer(many=True)


class SyncErrorSerializer(serializers.Serializer):
    error = serializers.ChoiceField(choices=["upgrade_required", "mutation_gap"])
    detail = serializers.CharField()
    expected = serializers.IntegerField(
        required=False, help_text="mutation_gap: the id the server needs next."
    )
