from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import AccountSerializer
from accounts.services import profile_get, profile_update


class AccountView(APIView):
    """The signed-in user's account: read and change the time zone."""

    @extend_schema(responses=AccountSerializer)
    def get(self, request: Request) -> Response:
        profile = profile_get(user=request.user)
        return Response({"username": request.user.get_username(), "time_zone": profile.time_zone})

    @extend_schema(request=AccountSerializer, responses=AccountSerializer)
    def patch(self, request: Request) -> Response:
        serializer = AccountSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = profile_get(user=request.user)
        if "time_zone" in serializer.validated_data:
            profile = profile_update(user=request.user, time_zone=serializer.validated_data["time_zone"])
        return Response({"username": request.user.get_username(), "time_zone": profile.time_zone})
