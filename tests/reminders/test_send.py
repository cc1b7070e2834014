"""Sending one delivery to the local fake push service, for every row of the response table."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from reminders.models import Delivery, PushSubscription
from reminders.push import topic_for
from reminders.sending import MAX_RETRIES, delivery_send, retry_countdown
from reminders.tasks import send_delivery
from tests.reminders.factories import make_delivery
from tests.reminders.fakepush import FakePushService, Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(user, subscribe):
    return subscribe(user)


def reload(delivery: Delivery) -> Delivery:
    return Delivery.objects.get(pk=delivery.pk)


def test_a_massage_reminder_arrives_decrypted_with_its_tag_actions_and_headers(device, fake_push):
    fake, subscription = device
    delivery = make_delivery(subscription)

    assert delivery_send(delivery_id=delivery.pk).status == "sent"

    [message] = fake_push.accepted(fake)
    assert message.payload["title"] == "Time for your massage"
    assert message.payload["tag"] == delivery.occurrence_key
    assert message.payload["url"] == "/journal/#log-massage"
    assert [a["title"] for a in message.payload["actions"]] == ["Done", "Snooze 30 min"]
    assert message.headers["urgency"] == "high"
    assert message.headers["topic"] == topic_for(delivery.occurrence_key)
    assert 1700 <= int(message.headers["ttl"]) <= 1800  # until the 30-minute deadline
    assert message.claims["sub"] == "mailto:reminders@minimus.test"
    assert fake_push.errors == []
    delivery = reload(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("sent", 1, 201)
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None and subscription.failure_count == 0


def test_a_weekly_summary_is_sent_with_normal_urgency_and_a_plain_fallback_text(
    device, fake_push, monkeypatch
):
    # The journal's summary text is tested in tests/journal/test_weekly_summary_*.py; here it fails,
    # and the user still gets the plain notification they asked for.
    import reminders.payloads

    def broken(*args, **kwargs):
        raise RuntimeError("summary broke")

    monkeypatch.setattr(reminders.payloads, "weekly_summary_payload", broken)
    fake, subscription = device
    delivery = make_delivery(subscription, kind=Delivery.Kind.WEEKLY_SUMMARY, deadline=timedelta(hours=12))
    delivery_send(delivery_id=delivery.pk)
    [message] = fake_push.accepted(fake)
    assert message.headers["urgency"] == "normal"
    assert message.payload["title"] == "Your weekly summary is ready"
    assert message.payload["url"] == "/trends/"


def test_each_push_service_gets_its_own_audience(user, vapid, subscribe, fake_push):
    # pywebpush writes "aud" into the claims dict: a shared dict would sign every
    # later push with the first service's origin and be refused.
    with FakePushService(vapid_public_key=vapid["public_key"]) as second:
        first_device, first_sub = subscribe(user)
        other = second.subscribe()
        from reminders.services import subscription_upsert

        second_sub = subscription_upsert(user=user, endpoint=other.endpoint, **other.keys)
        for sub in (first_sub, second_sub, first_sub):
            delivery_send(delivery_id=make_delivery(sub).pk)
        assert len(fake_push.accepted(first_device)) == 2 and len(second.accepted(other)) == 1
        assert second.accepted()[0].claims["aud"] == second.origin
        assert fake_push.errors == [] and second.errors == []


def test_202_counts_as_sent(device, fake_push):
    fake, subscription = device
    fake_push.script(fake, Reply(202))
    delivery = make_delivery(subscription)
    assert delivery_send(delivery_id=delivery.pk).status == "sent"


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted_and_the_delivery_kept(device, fake_push, status):
    fake, subscription = device
    fake_push.script(fake, Reply(status))
    delivery = make_delivery(subscription)
    later = make_delivery(subscription, key="m:0:later")

    assert delivery_send(delivery_id=delivery.pk).status == "gone"

    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert (reload(delivery).status, reload(delivery).last_status_code) == ("gone", status)
    # Other deliveries to that device are not sent anywhere.
    assert delivery_send(delivery_id=later.pk).status == "gone"
    assert len(fake_push.received) == 1


def test_429_retries_after_the_seconds_the_service_asks_for(device, fake_push):
    fake, subscription = device
    fake_push.script(fake, Reply(429, {"Retry-After": "120"}))
    now = timezone.now()
    delivery = make_delivery(subscription, fire_at=now)

    outcome = delivery_send(delivery_id=delivery.pk, now=now)

    assert outcome.status == "pending" and outcome.retry_in == 120
    delivery = reload(delivery)
    assert delivery.next_attempt_at == now + timedelta(seconds=120)
    # A copy of the message arriving early does nothing; at the time it is sent.
    assert delivery_send(delivery_id=delivery.pk, now=now + timedelta(seconds=60)).status == "not_claimed"
    assert delivery_send(delivery_id=delivery.pk, now=now + timedelta(seconds=121)).status == "sent"
    assert len(fake_push.accepted(fake)) == 1
    assert reload(delivery).attempts == 2


def test_429_with_an_http_date_retry_after(device, fake_push):
    fake, subscription = device
    now = timezone.now()
    fake_push.script(
        fake, Reply(429, {"Retry-After": format_datetime(now + timedelta(seconds=300), usegmt=True)})
    )
    delivery = make_delivery(subscription, fire_at=now)
    outcome = delivery_send(delivery_id=delivery.pk, now=now)
    assert 290 <= outcome.retry_in <= 301


def test_429_asking_to_wait_past_the_deadline_gives_up(device, fake_push):
    fake, subscription = device
    fake_push.script(fake, Reply(429, {"Retry-After": "7200"}))
    delivery = make_delivery(subscription)
    assert delivery_send(delivery_id=delivery.pk).status == "failed"


def test_5xx_retries_with_jittered_backoff_then_sends(device, fake_push):
    fake, subscription = device
    fake_push.script(fake, Reply(500), Reply(503))
    now = timezone.now()
    delivery = make_delivery(subscription, fire_at=now)

    first = delivery_send(delivery_id=delivery.pk, now=now)
    assert first.status == "pending" and 15 <= first.retry_in <= 30
    retry_at = now + timedelta(seconds=first.retry_in)
    second = delivery_send(delivery_id=delivery.pk, now=retry_at)
    assert second.status == "pending" and 30 <= second.retry_in <= 60
    third = delivery_send(delivery_id=delivery.pk, now=retry_at + timedelta(seconds=second.retry_in))
    assert third.status == "sent"
    subscription.refresh_from_db()
    assert subscription.failure_count == 0 and subscription.last_success_at is not None


def test_5xx_gives_up_after_five_retries(device, fake_push):
    fake, subscription = device
    fake_push.script(fake, *[Reply(500)] * 10)
    now = timezone.now()
    delivery = make_delivery(subscription, fire_at=now, deadline=timedelta(hours=12))
    moment, statuses = now, []
    for _ in range(MAX_RETRIES + 1):
        outcome = delivery_send(delivery_id=delivery.pk, now=moment)
        statuses.append(outcome.status)
        moment += timedelta(seconds=(outcome.retry_in or 0) + 1)
    assert statuses == ["pending"] * MAX_RETRIES + ["failed"]
    assert len(fake_push.received) == MAX_RETRIES + 1
    assert PushSubscription.objects.get(pk=subscription.pk).failure_count == MAX_RETRIES + 1


def test_retry_countdowns_stay_below_deadline_and_visibility_timeout(settings):
    now = datetime(2025, 6, 1, tzinfo=UTC)
    near = retry_countdown(attempts=5, now=now, deadline=now + timedelta(seconds=40), retry_after=None)
    assert near <= 39
    settings.CELERY_VISIBILITY_TIMEOUT = 600
    far = retry_countdown(attempts=5, now=now, deadline=now + timedelta(days=1), retry_after=None)
    assert far <= 540
    assert retry_countdown(attempts=5, now=now, deadline=now, retry_after=None) is None
    jitter = {
        retry_countdown(attempts=3, now=now, deadline=now + timedelta(days=1), retry_after=None)
        for _ in range(20)
    }
    assert len(jitter) > 1 and all(60 <= c <= 120 for c in jitter)


def test_a_slow_push_service_times_out_and_is_retried(device, fake_push, settings):
    settings.PUSH_TIMEOUT_SECONDS = 0.3
    fake, subscription = device
    fake_push.script(fake, Reply(201, delay=1.0))
    delivery = make_delivery(subscription)
    outcome = delivery_send(delivery_id=delivery.pk)
    assert outcome.status == "pending" and outcome.retry_in > 0
    assert "Timeout" in reload(delivery).last_response


def test_an_unreachable_push_service_is_retried(user, vapid):
    from reminders.services import subscription_upsert

    with FakePushService(vapid_public_key=vapid["public_key"]) as closed:
        device = closed.subscribe()
    # The server is shut down: connection refused.
    subscription = subscription_upsert(user=user, endpoint=device.endpoint, **device.keys)
    outcome = delivery_send(delivery_id=make_delivery(subscription).pk)
    assert outcome.status == "pending"


def test_413_is_not_retried_and_keeps_the_subscription(device, fake_push, caplog):
    fake, subscription = device
    fake_push.script(fake, Reply(413))
    delivery = make_delivery(subscription)
    with caplog.at_level(logging.ERROR, logger="reminders.sending"):
        assert delivery_send(delivery_id=delivery.pk).status == "failed"
    assert "too large" in caplog.text
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert delivery_send(delivery_id=delivery.pk).status == "not_claimed"


@pytest.mark.parametrize("status", [401, 403])
def test_auth_refusals_keep_the_subscription_and_log_loudly(device, fake_push, caplog, status):
    fake, subscription = device
    fake_push.script(fake, Reply(status))
    delivery = make_delivery(subscription)
    with caplog.at_level(logging.ERROR, logger="reminders.sending"):
        assert delivery_send(delivery_id=delivery.pk).status == "failed"
    assert "VAPID" in caplog.text
    subscription.refresh_from_db()
    assert subscription.failure_count == 1 and str(status) in subscription.last_error


def test_a_delivery_is_sent_once_however_many_messages_arrive(device, fake_push):
    fake, subscription = device
    delivery = make_delivery(subscription)
    statuses = [send_delivery.delay(delivery.pk).get() for _ in range(3)]
    assert statuses == ["sent", "not_claimed", "not_claimed"]
    assert len(fake_push.accepted(fake)) == 1


def test_the_send_task_acknowledges_late():
    assert send_delivery.acks_late is True


def test_a_delivery_past_its_deadline_is_not_sent(device, fake_push):
    _fake, subscription = device
    delivery = make_delivery(subscription, fire_at=timezone.now() - timedelta(hours=1))
    assert delivery_send(delivery_id=delivery.pk).status == "not_claimed"
    assert reload(delivery).status == "failed"
    assert fake_push.received == []


def test_payloads_stay_small(device, fake_push):
    from tests.journal.test_trends_api import log_pain

    fake, subscription = device
    # Something logged this week, so the weekly summary has something to say (else it is skipped).
    log_pain(subscription.user, occurred_at=timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    for kind in Delivery.Kind.values:
        delivery_send(delivery_id=make_delivery(subscription, kind=kind, key=f"k:{kind}").pk)
    assert len(fake_push.accepted(fake)) == len(Delivery.Kind.values)
    from reminders.payloads import build_payload

    assert all(len(build_payload(d)) < 2048 for d in Delivery.objects.all())
