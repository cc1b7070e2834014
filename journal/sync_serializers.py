"""Shapes of /api/sync/push and /api/sync/pull (see shared/design/sync-protocol.md).

The envelope (client id, schema, mutation ids, types, ops, record objects) is
checked as a whole: a malformed envelope is a broken client and gets a 400 that
changes nothing. Record fields are checked per mutation by the REST input
serializers (``mutations_read``) and handed to the sync service as plain
validated values and plain field errors; the service refuses invalid ones one by
one in ``rejected``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from core.formats import QuerySerializer
from core.text import TextChoiceField
from journal.bulk_validation import record_validator
from journal.models import RECORD_MODELS, MassageSession, PainEntry
from journal.serializers import (
    INPUT_SERIALIZERS,
    MassageSessionOutputSerializer,
    PainEntryOutputSerializer,
    RecordInputSerializer,
    StrictIntegerField,
    StrictUUIDField,
)
from journal.services.sync import MAX_MUTATIONS_PER_PUSH, MAX_PULL_PAGE, Mutation
from journal.services.sync_plan import INVALID_ID, REJECTED_FORBIDDEN, REJECTED_GONE, REJECTED_INVALID

RECORD_TYPE_CHOICES = list(RECORD_MODELS)
# Machine-readable codes a client matches on (named in the OpenAPI schema by ENUM_NAME_OVERRIDES).
REJECTION_CODES = [REJECTED_INVALID, REJECTED_GONE, REJECTED_FORBIDDEN]
FOREIGN_CLIENT_CODE = "foreign_client"
CLIENT_REVOKED_CODE = "client_revoked"
UPGRADE_REQUIRED_CODE = "upgrade_required"
MUTATION_GAP_CODE = "mutation_gap"
SYNC_CONFLICT_CODES = [UPGRADE_REQUIRED_CODE, MUTATION_GAP_CODE]
FOREIGN_CLIENT_CODES = [FOREIGN_CLIENT_CODE, CLIENT_REVOKED_CODE]
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
    type = TextChoiceField(choices=RECORD_TYPE_CHOICES)
    op = TextChoiceField(choices=["upsert", "delete"])
    record = RecordObjectField(
        help_text="The record's id plus, for an upsert, the fields the user changed (all fields on create)."
    )
    base_version = StrictIntegerField(
        min_value=1,
        max_value=BIGINT_MAX,
        required=False,
        help_text="An edit of a record pulled from the server: the version it was made on. If the server "
        "no longer has the record (deleted, its tombstone purged), the edit is gone, never a new record.",
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

    def run_child_validation(self, data: list[Any]) -> list[Any]:
        """A plainly valid mutation is read in plain Python (a MutationSerializer per item cost
        more than the rest of the envelope); any other item, and every error, is the serializer's."""
        if all(_plain_mutation(item) for item in data):
            # An item holding only the serializer's fields is its own validated data: the parsed
            # request is read, never changed, so a copy of each (of 500) would only feed the collector.
            return [
                m if m.keys() <= _MUTATION_FIELDS else {k: m[k] for k in _MUTATION_FIELD_ORDER if k in m}
                for m in data
            ]
        return super().run_child_validation(data)


_MUTATION_FIELD_ORDER = tuple(MutationSerializer._declared_fields)
_MUTATION_FIELDS = frozenset(_MUTATION_FIELD_ORDER)
_OPS = frozenset(("upsert", "delete"))
_RECORD_TYPES = frozenset(RECORD_TYPE_CHOICES)


def _plain_mutation(item: Any) -> bool:
    """True when MutationSerializer surely accepts ``item`` and returns exactly its fields."""
    if not isinstance(item, dict):
        return False
    mutation_id, record_type, op = item.get("id"), item.get("type"), item.get("op")
    base_version = item.get("base_version", 1)
    return (
        type(base_version) is int
        and 1 <= base_version <= BIGINT_MAX
        and type(mutation_id) is int
        and 1 <= mutation_id <= BIGINT_MAX
        and type(record_type) is str
        and record_type in _RECORD_TYPES
        and type(op) is str
        and op in _OPS
        and type(item.get("record")) is dict
    )


class PushRequestSerializer(serializers.Serializer):
    client_id = StrictUUIDField(help_text="Made once per install, kept on the device.")
    schema = StrictIntegerField(
        min_value=0, max_value=BIGINT_MAX, help_text="The client's sync schema number."
    )
    mutations = MutationListField(child=MutationSerializer(), max_length=MAX_MUTATIONS_PER_PUSH)


class RejectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The mutation id.")
    code = serializers.ChoiceField(choices=REJECTION_CODES)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text='{"field": ["message"]}'
    )


class PushResponseSerializer(serializers.Serializer):
    last_mutation_id = serializers.IntegerField()
    rejected = RejectionSerializer(many=True)


class PullQuerySerializer(QuerySerializer):
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


class _TombstoneRequired:
    """Only id, type, deleted and version are required: a tombstone carries nothing else."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name, field in fields.items():
            field.required = name in {"id", "type", "deleted", "version"}
        return fields


class PainEntryChangeSerializer(_TombstoneRequired, PainEntryOutputSerializer, _ChangeFields):
    """A pain entry change; a tombstone has only id, type, deleted and version."""


class MassageSessionChangeSerializer(_TombstoneRequired, MassageSessionOutputSerializer, _ChangeFields):
    """A massage session change; a tombstone has only id, type, deleted and version."""


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


SYNC_ERROR_CODE_HELP = "Match on this, never on detail (English text that may change)."


class SyncConflictSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=SYNC_CONFLICT_CODES, help_text=SYNC_ERROR_CODE_HELP)
    error = serializers.ChoiceField(
        choices=SYNC_CONFLICT_CODES, help_text="Same as code (kept for older clients)."
    )
    detail = serializers.CharField()
    expected = serializers.IntegerField(
        required=False, help_text="mutation_gap: the id the server needs next."
    )


class ForeignClientErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=FOREIGN_CLIENT_CODES, help_text=SYNC_ERROR_CODE_HELP)
    detail = serializers.CharField()
    last_mutation_id = serializers.IntegerField(
        required=False,
        help_text='"client_revoked" only: the revoked id\'s last applied mutation; confirm up to it '
        "before sending the rest under a new client_id.",
    )
    rejected = RejectionSerializer(
        many=True, required=False, help_text='"client_revoked" only: refusals among those mutations.'
    )


def _plain_errors(detail: Mapping[str, Any]) -> dict[str, list[str]]:
    """DRF's ErrorDetail lists as plain strings, what the service stores and sends back."""
    return {name: [str(message) for message in messages] for name, messages in detail.items()}


# Per record type, built once per process: it only reads the serializer classes' declarations.
_CREATE_EXTRAS: dict[str, tuple[dict[str, str], dict[str, Any]]] = {}


class _RecordReader:
    """Validates records with one input serializer per record type for a whole push.

    Building a DRF serializer per record deep-copies all its fields, which cost
    more than the validation itself; ``run_validation`` on a reused instance
    gives the same data and the same field errors as ``is_valid``. Each record
    is validated once, as an edit (only the fields sent); the reading as a
    create adds the required fields not sent (as errors) and the defaults of the
    others, which is what validating it in full gives.
    """

    def __init__(self) -> None:
        self._record_id = StrictUUIDField()
        self._edit_serializers: dict[str, RecordInputSerializer] = {}

    def _serializer(self, record_type: str) -> RecordInputSerializer:
        serializer = self._edit_serializers.get(record_type)
        if serializer is None:
            serializer = self._edit_serializers[record_type] = INPUT_SERIALIZERS[record_type](partial=True)
        return serializer

    def _extras(self, record_type: str) -> tuple[dict[str, str], dict[str, Any]]:
        """(required field -> its "required" message, optional field -> its default) of a type."""
        extras = _CREATE_EXTRAS.get(record_type)
        if extras is None:
            required: dict[str, str] = {}
            defaults: dict[str, Any] = {}
            for name, field in INPUT_SERIALIZERS[record_type]().fields.items():
                if field.read_only or name == "id":
                    continue
                if field.required:
                    required[name] = str(field.error_messages["required"])
                elif field.default is not serializers.empty:
                    defaults[name] = field.get_default()
            extras = _CREATE_EXTRAS[record_type] = (required, defaults)
        return extras

    def mutation(
        self,
        *,
        mutation_id: int,
        record_type: str,
        op: str,
        record: dict[str, Any],
        base_version: int | None = None,
    ) -> Mutation:
        # The serializer's own rules in plain Python when the values are plainly valid; anything
        # else (and every error message) comes from the serializer itself. The plain reading
        # takes the id by the id field's rule, so it is read once.
        edit = record_validator(record_type).fast(record, partial=True) if op != "delete" else None
        if edit is not None and "id" in edit:
            record_id = edit.pop("id")
        else:
            edit = None
            try:
                record_id = self._record_id.to_internal_value(record.get("id"))
            except serializers.ValidationError:
                record_id = None
        if op == "delete" or record_id is None:
            errors = {} if record_id is not None else INVALID_ID
            return Mutation(mutation_id, record_type, op, record_id, edit_errors=errors, create_errors=errors)
        edit_errors: dict[str, list[str]] = {}
        if edit is None:
            fields = {name: value for name, value in record.items() if name != "id"}
            try:
                edit = dict(self._serializer(record_type).run_validation(fields))
            except serializers.ValidationError as exc:
                edit, edit_errors = None, _plain_errors(exc.detail)
        required, defaults = self._extras(record_type)
        create_errors, create = edit_errors, None
        if not required.keys() <= record.keys():
            missing = {name: [message] for name, message in required.items() if name not in record}
            create_errors = {**edit_errors, **missing}
        elif edit is not None:
            # Nobody changes a mutation's dicts (the planner copies them), so a create that adds
            # no default is the edit itself.
            unsent = [name for name in defaults if name not in edit]
            create = {**{name: defaults[name] for name in unsent}, **edit} if unsent else edit
        return Mutation(
            mutation_id,
            record_type,
            op,
            record_id,
            edit=edit,
            edit_errors=edit_errors,
            create=create,
            create_errors=create_errors,
            base_version=base_version,
        )


def mutations_read(mutations: Iterable[Mapping[str, Any]]) -> list[Mutation]:
    """The validated envelope's mutations as the sync service takes them, each record validated."""
    reader = _RecordReader()
    return [
        reader.mutation(
            mutation_id=m["id"],
            record_type=m["type"],
            op=m["op"],
            record=m["record"],
            base_version=m.get("base_version"),
        )
        for m in mutations
    ]
