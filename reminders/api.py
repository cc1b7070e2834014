"""Thin API views for push subscriptions and reminder schedules."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import authentication, exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.authentication import ExpiringTokenAuthentication
from accounts.selectors import profile_get
from reminders.models import ReminderSchedule
from reminders.payloads import snooze_token_claims, snooze_token_user_id
from reminders.selectors import schedule_list, subscription_list
from reminders.serializers import (
    EndpointSerializer,
    ScheduleOutputSerializer,
    ScheduleSerializer,
    SnoozeSerializer,
    SubscriptionInputSerializer,
    SubscriptionOutputSerializer,
)
from reminders.services import (
    ScheduleLimitReached,
    SnoozeRefused,
    SubscriptionRefused,
    schedule_create,
    schedule_delete,
    schedule_update,
    snooze_create,
    subscription_remove,
    subscription_stop,
    subscription_upsert,
    test_notification_create,
)
from reminders.vapid import vapid_keys


class PushKeyView(APIView):
    """The VAPID public key browsers subscribe with (applicationServerKey)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=inline_serializer("PushKey", {"public_key": serializers.CharField()}))
    def get(self, request: Request) -> Response:
        keys = vapid_keys()
        if keys is None:
            return Response({"detail": "Web Push is not configured on this server."}, status=503)
        return Response({"public_key": keys.public_key})


class SubscriptionsView(APIView):
    """This user's devices (GET), register this device (POST), remove it (DELETE by endpoint)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "push_subscribe"

    def get_throttles(self) -> list:
        # Reading the list is free; registering devices is throttled.
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(responses=SubscriptionOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(SubscriptionOutputSerializer(subscription_list(user=request.user), many=True).data)

    @extend_schema(request=SubscriptionInputSerializer, responses=SubscriptionOutputSerializer)
    def post(self, request: Request) -> Response:
        serializer = SubscriptionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            subscription = subscription_upsert(
                user=request.user,
                endpoint=data["endpoint"],
                p256dh=data["keys"]["p256dh"],
                auth=data["keys"]["auth"],
                user_agent=data.get("user_agent") or request.headers.get("User-Agent", ""),
                renewal=data.get("renewal", False),
            )
        except SubscriptionRefused as refused:
            body = {"endpoint" if refused.conflict else "non_field_errors": [refused.message]}
            if refused.code:
                body["code"] = refused.code
            return Response(
                body, status=status.HTTP_409_CONFLICT if refused.conflict else status.HTTP_400_BAD_REQUEST
            )
        return Response(SubscriptionOutputSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndpointSerializer, responses={204: None})
    def delete(self, request: Request) -> Response:
        serializer = EndpointSerializer(data=request.data or request.query_params)
        serializer.is_valid(raise_exception=True)
        if not subscription_remove(user=request.user, endpoint=serializer.validated_data["endpoint"]):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriptionDetailView(APIView):
    """Remove one of this user's devices from the settings list."""

    @extend_schema(responses={204: None}, operation_id="push_subscription_destroy_by_id")
    def delete(self, request: Request, pk: int) -> Response:
        subscription = get_object_or_404(subscription_list(user=request.user), pk=pk)
        subscription_stop(user=request.user, endpoint=subscription.endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SchedulesView(APIView):
    @extend_schema(responses=ScheduleOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ScheduleOutputSerializer(schedule_list(user=request.user), many=True).data)

    @extend_schema(request=ScheduleSerializer, responses={201: ScheduleOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = ScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("time_zone", profile_get(user=request.user).time_zone)
        try:
            schedule = schedule_create(user=request.user, **data)
        except ScheduleLimitReached as exc:
            raise exceptions.ValidationError({"non_field_errors": [exc.message]}) from None
        return Response(ScheduleOutputSerializer(schedule).data, status=status.HTTP_201_CREATED)


class ScheduleDetailView(APIView):
    def _get(self, request: Request, pk: int) -> ReminderSchedule:
        # Another user's schedule is simply not found.
        return get_object_or_404(ReminderSchedule, pk=pk, user=request.user)

    @extend_schema(responses=ScheduleOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ScheduleOutputSerializer(self._get(request, pk)).data)

    @extend_schema(request=ScheduleSerializer, responses=ScheduleOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        schedule = self._get(request, pk)
        serializer = ScheduleSerializer(schedule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        schedule = schedule_update(schedule=schedule, **serializer.validated_data)
        return Response(ScheduleOutputSerializer(schedule).data)

    @extend_schema(request=ScheduleSerializer, responses=ScheduleOutputSerializer)
    def put(self, request: Request, pk: int) -> Response:
        schedule = self._get(request, pk)
        serializer = ScheduleSerializer(schedule, data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("time_zone", schedule.time_zone)
        data.setdefault("quiet_start", None)
        data.setdefault("quiet_end", None)
        schedule = schedule_update(schedule=schedule, **data)
        return Response(ScheduleOutputSerializer(schedule).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        schedule_delete(schedule=self._get(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TestNotificationView(APIView):
    """Send a notification to every device of this user now (a few times an hour at most)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "push_test"

    @extend_schema(
        request=None, responses=inline_serializer("TestSent", {"devices": serializers.IntegerField()})
    )
    def post(self, request: Request) -> Response:
        deliveries = test_notification_create(user=request.user)
        if not deliveries:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        "No device has notifications turned on yet: tap “Turn on reminders” first."
                    ]
                }
            )
        return Response({"devices": len(deliveries)}, status=status.HTTP_202_ACCEPTED)


class SnoozeTokenAuthentication(authentication.BaseAuthentication):
    """The service worker snoozes with the signed token from the notification.

    It cannot read the CSRF cookie, and the token (signed, user-bound, valid two
    days, usable once: see snooze_create) is itself the proof that the request
    comes from that notification.
    """

    def authenticate(self, request: Request):
        token = request.data.get("token") if isinstance(request.data, dict) else None
        if not isinstance(token, str) or not token:
            return None
        user_id = snooze_token_user_id(token)
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
        if user is None:
            raise exceptions.AuthenticationFailed("This snooze link is invalid or expired.")
        return user, token

    def authenticate_header(self, request: Request) -> str:
        # A refused link is a 401 ("sign in"), not a 403.
        return "Token"


class SnoozeTokenScheme(OpenApiAuthenticationExtension):
    target_class = SnoozeTokenAuthentication
    name = "snoozeToken"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "apiKey",
            "in": "query",
            "name": "token",
            "description": "Signed token from a reminder notification, sent as the JSON body's `token`.",
        }


class SnoozeView(APIView):
    """A one-off massage reminder in 30 minutes (or ``minutes``)."""

    authentication_classes = [
        SnoozeTokenAuthentication,
        authentication.SessionAuthentication,
        ExpiringTokenAuthentication,
    ]

    # The notification's token travels in the body, which OpenAPI security cannot describe:
    # the schema names the session and API token, and SnoozeSerializer documents `token`.
    @extend_schema(
        request=SnoozeSerializer,
        responses={201: ScheduleOutputSerializer},
        auth=[{"tokenAuth": []}, {"cookieAuth": []}],
    )
    def post(self, request: Request) -> Response:
        serializer = SnoozeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claims = snooze_token_claims(request.auth) if isinstance(request.auth, str) else None
        try:
            schedule = snooze_create(
                user=request.user,
                minutes=serializer.validated_data["minutes"],
                snooze_of=claims.occurrence_key if claims else "",
                snooze_root=claims.root if claims else "",
            )
        except SnoozeRefused as refused:
            return Response({"detail": refused.message}, status=status.HTTP_409_CONFLICT)
        return Response(ScheduleOutputSerializer(schedule).data, status=status.HTTP_201_CREATED)
