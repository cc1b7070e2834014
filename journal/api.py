"""Journal API: thin views over journal.services and journal.selectors."""

from __future__ import annotations

import uuid
from typing import Any

from django.middleware.csrf import get_token
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.formats import QuerySerializer, canonical_uuid
from core.pagination import CappedLimitOffsetPagination
from core.parsers import SafeJSONParser
from journal.bulk_validation import record_validator
from journal.metrics import pull_counted, push_counted
from journal.models import MassageSession, PainEntry, SyncedRecord
from journal.selectors import record_get, record_list
from journal.serializers import (
    INPUT_SERIALIZERS,
    MassageSessionInputSerializer,
    MassageSessionOutputSerializer,
    PainEntryInputSerializer,
    PainEntryOutputSerializer,
    record_output,
    records_to_changes,
)
from journal.services.records import RecordIdTaken, record_create, record_delete, record_update
from journal.services.sync import (
    CURRENT_SYNC_SCHEMA,
    MINIMUM_SYNC_SCHEMA,
    ForeignClient,
    MutationGap,
    PullResult,
    PushResult,
    RevokedClient,
    UpgradeRequired,
    sync_pull,
    sync_push,
)
from journal.sync_serializers import (
    CLIENT_REVOKED_CODE,
    FOREIGN_CLIENT_CODE,
    MUTATION_GAP_CODE,
    UPGRADE_REQUIRED_CODE,
    ForeignClientErrorSerializer,
    PullQuerySerializer,
    PullResponseSerializer,
    PushRequestSerializer,
    PushResponseSerializer,
    SyncConflictSerializer,
    mutations_read,
)

ID_TAKEN = "This id is already used; make a new one."
FOREIGN_CLIENT = "This client_id cannot be used by this account; make a new one."


class RangeQuerySerializer(QuerySerializer):
    """``from`` (inclusive) and ``to`` (exclusive) on occurred_at; Python keywords, hence get_fields."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateTimeField(required=False, help_text="ISO 8601; occurred_at >= from."),
            "to": serializers.DateTimeField(required=False, help_text="ISO 8601; occurred_at < to."),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "from" in attrs and "to" in attrs and attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": ["Must not be before from."]})
        return attrs


RECORD_ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Record id."
)


class RecordViewSet(viewsets.GenericViewSet):
    """List, create, read, edit and delete one kind of journal record of the signed-in user."""

    record_type: str
    parser_classes = [SafeJSONParser]
    pagination_class = CappedLimitOffsetPagination

    def _record_or_404(self, pk: str) -> SyncedRecord:
        try:
            record_id = uuid.UUID(pk)
        except ValueError:
            raise NotFound from None
        record = record_get(user=self.request.user, record_type=self.record_type, record_id=record_id)
        if record is None:
            # Unknown, deleted or another user's: the same answer for all three.
            raise NotFound
        return record

    def _output(self, record: SyncedRecord) -> dict[str, Any]:
        return record_output(record)

    def list(self, request: Request) -> Response:
        query = RangeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        records = record_list(
            user=request.user,
            record_type=self.record_type,
            occurred_from=query.validated_data.get("from"),
            occurred_to=query.validated_data.get("to"),
        )
        page = self.paginate_queryset(records)
        return self.get_paginated_response([self._output(record) for record in page])

    def create(self, request: Request) -> Response:
        # The serializer's rules in plain Python when the values are plainly valid; anything else
        # (and every error message) from the serializer itself.
        data = record_validator(self.record_type).fast(request.data)
        if data is None:
            serializer = INPUT_SERIALIZERS[self.record_type](data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        try:
            record = record_create(
                user=request.user, record_type=self.record_type, data=data, record_id=data.pop("id", None)
            )
        except RecordIdTaken:
            raise serializers.ValidationError({"id": [ID_TAKEN]}) from None
        return Response(self._output(record), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._output(self._record_or_404(pk)))

    def partial_update(self, request: Request, pk: str) -> Response:
        record = self._record_or_404(pk)
        serializer = INPUT_SERIALIZERS[self.record_type](data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if changes.pop("id", record.pk) != record.pk:
            raise serializers.ValidationError({"id": ["The id of a record cannot change."]})
        try:
            record = record_update(user=request.user, record=record, changes=changes)
        except type(record).DoesNotExist:
            raise NotFound from None
        return Response(self._output(record))

    def destroy(self, request: Request, pk: str) -> Response:
        record_delete(user=request.user, record=self._record_or_404(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _record_schema(input_serializer: type, output_serializer: type, noun: str) -> Any:
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}s, newest first",
            parameters=[RangeQuerySerializer],
            responses=output_serializer(many=True),
        ),
        create=extend_schema(
            summary=f"Create a {noun} (the client may give its id)",
            request=input_serializer,
            responses={201: output_serializer},
        ),
        retrieve=extend_schema(parameters=[RECORD_ID_PARAMETER], responses=output_serializer),
        partial_update=extend_schema(
            summary=f"Change some fields of a {noun}",
            parameters=[RECORD_ID_PARAMETER],
            request=input_serializer,
            responses=output_serializer,
        ),
        destroy=extend_schema(
            summary=f"Delete a {noun} (kept as a tombstone so other devices learn of it)",
            parameters=[RECORD_ID_PARAMETER],
            responses={204: None},
        ),
    )


@_record_schema(PainEntryInputSerializer, PainEntryOutputSerializer, "pain entry")
class PainEntryViewSet(RecordViewSet):
    record_type = PainEntry.sync_type
    queryset = PainEntry.objects.none()
    serializer_class = PainEntryOutputSerializer


@_record_schema(MassageSessionInputSerializer, MassageSessionOutputSerializer, "massage session")
class MassageSessionViewSet(RecordViewSet):
    record_type = MassageSession.sync_type
    queryset = MassageSession.objects.none()
    serializer_class = MassageSessionOutputSerializer


# Sync errors carry a machine-readable "code" for the client to match; "detail" is for people.
# 409 bodies repeat it as "error", the field clients read before "code" existed.


def _upgrade_required() -> Response:
    return Response(
        {
            "code": UPGRADE_REQUIRED_CODE,
            "error": UPGRADE_REQUIRED_CODE,
            "detail": f"This server accepts sync schema {MINIMUM_SYNC_SCHEMA} to {CURRENT_SYNC_SCHEMA}; "
            "update the app, then send the outbox again.",
        },
        status=status.HTTP_409_CONFLICT,
    )


def _foreign_client() -> Response:
    return Response({"code": FOREIGN_CLIENT_CODE, "detail": FOREIGN_CLIENT}, status=status.HTTP_403_FORBIDDEN)


def _revoked_client(revoked: RevokedClient) -> Response:
    # Same 403 as a foreign client: either way the install takes a new client_id and sends
    # its outbox again under it, so nothing unsent is lost. The revoked id is this user's own,
    # so its counter and refusals are told too: what it already applied is confirmed, not
    # sent again under the new id.
    return Response(
        {
            "code": CLIENT_REVOKED_CODE,
            "detail": "This install's client_id was revoked in Settings: take a new client_id and "
            "send the outbox again, after the mutations up to last_mutation_id.",
            "last_mutation_id": revoked.last_mutation_id,
            "rejected": _rejections(revoked),
        },
        status=status.HTTP_403_FORBIDDEN,
    )


def _mutation_gap(gap: MutationGap) -> Response:
    return Response(
        {
            "code": MUTATION_GAP_CODE,
            "error": MUTATION_GAP_CODE,
            "detail": f"A mutation id is missing: send from id {gap.expected}.",
            "expected": gap.expected,
        },
        status=status.HTTP_409_CONFLICT,
    )


def _rejections(result: PushResult | PullResult | RevokedClient) -> list[dict[str, Any]]:
    return [{"id": r.id, "code": r.code, "errors": r.errors} for r in result.rejected]


def _sync_responses(
    ok: type[serializers.Serializer], *, bad_request: str, refused: str, conflict: str
) -> dict[int, Any]:
    """The answers both sync endpoints give: 400 bad input, 403 a client of another account, 409 conflict."""
    return {
        200: ok,
        400: OpenApiResponse(description=bad_request),
        403: OpenApiResponse(ForeignClientErrorSerializer, description=refused),
        409: OpenApiResponse(SyncConflictSerializer, description=conflict),
    }


class SyncPushView(APIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        summary="Send the outbox: mutations applied in order, each exactly once",
        request=PushRequestSerializer,
        responses=_sync_responses(
            PushResponseSerializer,
            bad_request='Malformed envelope: {"field": ["message"]}; nothing applied.',
            refused='client_id belongs to another account: code "foreign_client"; or it was '
            'revoked in Settings: code "client_revoked" (take a new client_id, send the outbox again).',
            conflict='code "upgrade_required" (update the app, then push again) or "mutation_gap" '
            "(send again from mutation id expected); nothing applied.",
        ),
    )
    def post(self, request: Request) -> Response:
        envelope = PushRequestSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        data = envelope.validated_data
        if data["schema"] > CURRENT_SYNC_SCHEMA:
            raise serializers.ValidationError(
                {"schema": [f"This server knows sync schema up to {CURRENT_SYNC_SCHEMA}."]}
            )
        # Each record is validated here, with the REST serializers; the service gets plain values and errors.
        mutations = mutations_read(data["mutations"])
        try:
            result = sync_push(
                user=request.user, client_id=data["client_id"], schema=data["schema"], mutations=mutations
            )
        except UpgradeRequired:
            push_counted(outcome=UPGRADE_REQUIRED_CODE)
            return _upgrade_required()
        except ForeignClient:
            push_counted(outcome=FOREIGN_CLIENT_CODE)
            return _foreign_client()
        except RevokedClient as revoked:
            push_counted(outcome=CLIENT_REVOKED_CODE)
            return _revoked_client(revoked)
        except MutationGap as gap:
            push_counted(outcome=MUTATION_GAP_CODE)
            return _mutation_gap(gap)
        push_counted(outcome="ok", mutations=len(mutations), rejected_codes=[r.code for r in result.rejected])
        return Response({"last_mutation_id": result.last_mutation_id, "rejected": _rejections(result)})


class SyncSessionSerializer(serializers.Serializer):
    user = serializers.CharField(
        help_text="The signed-in user's id: the journal database the session may push."
    )
    csrf_token = serializers.CharField(help_text="Send as X-CSRFToken with the session cookie.")


class SyncSessionView(APIView):
    """What a service worker needs to push the outbox with the session cookie.

    A worker cannot read cookies, so it cannot take Django's CSRF token from one as the page
    does. It asks here (same origin, with the cookie), and pushes only the journal of the
    user this answer names, never another account's outbox under this session.
    """

    @extend_schema(
        summary="The session's user and a CSRF token, for pushing the outbox from a service worker",
        responses={200: SyncSessionSerializer},
    )
    def get(self, request: Request) -> Response:
        response = Response({"user": str(request.user.pk), "csrf_token": get_token(request)})
        response["Cache-Control"] = "no-store"
        return response


class SyncPullView(APIView):
    @extend_schema(
        summary="Changes after a cursor, in version order, paged",
        parameters=[
            PullQuerySerializer,
            OpenApiParameter(
                "X-Client-Id",
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                description="This install's client_id: its last_mutation_id comes back.",
            ),
        ],
        responses=_sync_responses(
            PullResponseSerializer,
            bad_request='Bad query or header: {"field": ["message"]}.',
            refused='X-Client-Id belongs to another account: code "foreign_client"; or it was '
            'revoked: code "client_revoked".',
            conflict='code "upgrade_required".',
        ),
    )
    def get(self, request: Request) -> Response:
        query = PullQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params.get("schema", CURRENT_SYNC_SCHEMA) < MINIMUM_SYNC_SCHEMA:
            return _upgrade_required()
        client_id = None
        header = request.headers.get("X-Client-Id")
        if header is not None:
            client_id = canonical_uuid(header)
            if client_id is None:
                raise serializers.ValidationError({"X-Client-Id": ["Must be a UUID."]})
        try:
            result = sync_pull(
                user=request.user,
                client_id=client_id,
                cursor=params["cursor"],
                limit=params["limit"],
                rejected_after=params.get("rejected_after"),
            )
        except ForeignClient:
            pull_counted(initial=params["cursor"] == 0, outcome=FOREIGN_CLIENT_CODE)
            return _foreign_client()
        except RevokedClient as revoked:
            pull_counted(initial=params["cursor"] == 0, outcome=CLIENT_REVOKED_CODE)
            return _revoked_client(revoked)
        pull_counted(initial=params["cursor"] == 0, outcome="ok", changes=len(result.changes))
        return Response(
            {
                "changes": records_to_changes(result.changes),
                "cursor": result.cursor,
                "more": result.more,
                "last_mutation_id": result.last_mutation_id,
                "reset": result.reset,
                "rejected": _rejections(result),
            }
        )
