"""Journal API: thin views over journal.services and journal.selectors."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from glute_pwa.pagination import CappedLimitOffsetPagination
from glute_pwa.parsers import SafeJSONParser
from journal.models import MassageSession, PainEntry, SyncedRecord
from journal.selectors import record_get, record_list
from journal.serializers import (
    INPUT_SERIALIZERS,
    OUTPUT_SERIALIZERS,
    MassageSessionInputSerializer,
    MassageSessionOutputSerializer,
    PainEntryInputSerializer,
    PainEntryOutputSerializer,
    records_to_changes,
)
from journal.services.records import RecordIdTaken, record_create, record_delete, record_update
from journal.services.sync import (
    CURRENT_SYNC_SCHEMA,
    MINIMUM_SYNC_SCHEMA,
    ForeignClient,
    Mutation,
    MutationGap,
    PullResult,
    PushResult,
    UpgradeRequired,
    sync_pull,
    sync_push,
)
from journal.sync_serializers import (
    PullQuerySerializer,
    PullResponseSerializer,
    PushRequestSerializer,
    PushResponseSerializer,
    SyncErrorSerializer,
)

ID_TAKEN = "This id is already used; make a new one."
FOREIGN_CLIENT = "This client_id cannot be used by this account; make a new one."


class RangeQuerySerializer(serializers.Serializer):
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
        return OUTPUT_SERIALIZERS[self.record_type](record).data

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


def _upgrade_required() -> Response:
    return Response(
        {
            "error": "upgrade_required",
            "detail": f"This server accepts sync schema {MINIMUM_SYNC_SCHEMA} to {CURRENT_SYNC_SCHEMA}; "
            "update the app, then send the outbox again.",
        },
        status=status.HTTP_409_CONFLICT,
    )


def _rejections(result: PushResult | PullResult) -> list[dict[str, Any]]:
    return [{"id": r.id, "code": r.code, "errors": r.errors} for r in result.rejected]


class SyncPushView(APIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        summary="Send the outbox: mutations applied in order, each exactly once",
        request=PushRequestSerializer,
        responses={
            200: PushResponseSerializer,
            400: OpenApiResponse(description='Malformed envelope: {"field": ["message"]}; nothing applied.'),
            403: OpenApiResponse(description="client_id belongs to another account."),
            409: OpenApiResponse(SyncErrorSerializer, description="upgrade_required or mutation_gap."),
        },
    )
    def post(self, request: Request) -> Response:
        envelope = PushRequestSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        data = envelope.validated_data
        if data["schema"] > CURRENT_SYNC_SCHEMA:
            raise serializers.ValidationError(
                {"schema": [f"This server knows sync schema up to {CURRENT_SYNC_SCHEMA}."]}
            )
        mutations = [
            Mutation(id=m["id"], type=m["type"], op=m["op"], record=m["record"]) for m in data["mutations"]
        ]
        try:
            result = sync_push(
                user=request.user, client_id=data["client_id"], schema=data["schema"], mutations=mutations
            )
        except UpgradeRequired:
            return _upgrade_required()
        except ForeignClient:
            raise PermissionDenied(FOREIGN_CLIENT) from None
        except MutationGap as gap:
            return Response(
                {
                    "error": "mutation_gap",
                    "detail": f"A mutation id is missing: send from id {gap.expected}.",
                    "expected": gap.expected,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response({"last_mutation_id": result.last_mutation_id, "rejected": _rejections(result)})


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
        responses={
            200: PullResponseSerializer,
            400: OpenApiResponse(description='Bad query or header: {"field": ["message"]}.'),
            403: OpenApiResponse(description="X-Client-Id belongs to another account."),
            409: OpenApiResponse(SyncErrorSerializer, description="upgrade_required."),
        },
    )
    def get(self, request: Request) -> Response:
        query = PullQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if params.get("schema", CURRENT_SYNC_SCHEMA) < MINIMUM_SYNC_SCHEMA:
            return _upgrade_required()
        client_id = None
        header = request.headers.get("X-Client-Id")
        if header:
            try:
                client_id = uuid.UUID(header)
            except ValueError:
                raise serializers.ValidationError({"X-Client-Id": ["Must be a UUID."]}) from None
        try:
            result = sync_pull(
                user=request.user,
                client_id=client_id,
                cursor=params["cursor"],
                limit=params["limit"],
                rejected_after=params.get("rejected_after"),
            )
        except ForeignClient:
            raise PermissionDenied(FOREIGN_CLIENT) from None
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
