from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, logout
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.export import ImportRejected, export_as_csv, export_as_dict, import_from_dict
from accounts.renderers import CSVRenderer
from accounts.selectors import profile_get
from accounts.serializers import (
    AccountDeleteSerializer,
    AccountSerializer,
    ImportFileSerializer,
    TokenRequestSerializer,
    read_import_upload,
)
from accounts.services import profile_update, token_for, token_revoke, user_delete
from core.parsers import SafeJSONParser

ERROR = OpenApiResponse(description="Field messages: {field: [message]}")


class AccountView(APIView):
    """The signed-in user's account: read and change the time zone, or delete everything."""

    @extend_schema(responses=AccountSerializer)
    def get(self, request: Request) -> Response:
        profile = profile_get(user=request.user)
        return Response({"username": request.user.get_username(), "time_zone": profile.time_zone})

    @extend_schema(request=AccountSerializer, responses={200: AccountSerializer, 400: ERROR})
    def patch(self, request: Request) -> Response:
        serializer = AccountSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = profile_get(user=request.user)
        if "time_zone" in serializer.validated_data:
            profile = profile_update(user=request.user, time_zone=serializer.validated_data["time_zone"])
        return Response({"username": request.user.get_username(), "time_zone": profile.time_zone})

    @extend_schema(
        request=AccountDeleteSerializer,
        responses={204: None, 400: ERROR},
        description="Deletes the user and all their data. Confirm with the account password.",
    )
    def delete(self, request: Request) -> Response:
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # authenticate() rather than check_password(): django-axes counts wrong guesses here too.
        confirmed = authenticate(
            request._request,
            username=request.user.get_username(),
            password=serializer.validated_data["password"],
        )
        if confirmed is None or confirmed.pk != request.user.pk:
            raise ValidationError({"password": ["Wrong password: the account was not deleted."]})
        user_delete(user=request.user)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    """All of the user's data as one JSON document or one CSV table (docs/export-format.md)."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # DRF reads an empty ?format= as none given. (force: the error answer itself, rendered as JSON.)
        if not force and request.query_params.get("format") == "":
            raise ValidationError({"format": ["Choose csv or json."]})
        try:
            return super().perform_content_negotiation(request, force=force)
        except Http404:
            raise ValidationError({"format": ["Choose csv or json."]}) from None

    @extend_schema(
        parameters=[OpenApiParameter("format", enum=["json", "csv"], default="json")],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
            (400, "application/json"): ERROR,
        },
    )
    def get(self, request: Request) -> Response:
        stamp = timezone.now().strftime("%Y-%m-%d")
        if request.accepted_renderer.format == "csv":
            body: Any = export_as_csv(user=request.user)
            filename = f"minimus-export-{stamp}.csv"
        else:
            body = export_as_dict(user=request.user)
            filename = f"minimus-export-{stamp}.json"
        response = Response(body)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class ImportView(APIView):
    """Merge a Minimus JSON export into the user's data, by id: importing twice doubles nothing."""

    parser_classes = [SafeJSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT, "multipart/form-data": ImportFileSerializer},
        responses={
            200: inline_serializer(
                "ImportResult", {"imported": serializers.DictField(child=serializers.IntegerField())}
            ),
            400: ERROR,
        },
    )
    def post(self, request: Request) -> Response:
        if request.content_type.startswith("multipart/"):
            document = read_import_upload(request.data)
        else:
            document = request.data
        try:
            counts = import_from_dict(user=request.user, document=document)
        except ImportRejected as rejected:
            return Response(rejected.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": counts})


class TokenView(APIView):
    """API token for clients other than the browser: POST credentials to get it, DELETE to revoke it."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()}), 400: ERROR},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": ["Wrong username or password."]})
        return Response({"token": token_for(user=user)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
