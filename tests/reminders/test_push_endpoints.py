"""A push endpoint can only make the server talk to a real Web Push service.

No test here sends anything outside 127.0.0.0/8: refusals are proven with a
fake resolver (answers 10.0.0.1 and the like without any lookup) and a socket
layer that records and fails every connection attempt, so a refusal is shown
to happen before any connection is made.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from reminders import endpoints
from reminders.models import PushSubscription
from reminders.push import Outcome, push_send

pytestmark = pytest.mark.django_db

FCM = "https://fcm.googleapis.com/fcm/send/abc123"


class NetworkTrap:
    """Stand-in for DNS and sockets: answers from a table, records and refuses every connection."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []
        self.connections: list[object] = []

    def getaddrinfo(self, host, port, *args, **kwargs):
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(f"no answer for {host} in this test")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port or 443)) for ip in self.answers[host]]

    def create_connection(self, address, *args, **kwargs):
        self.connections.append(address)
        raise AssertionError(f"a connection to {address} was attempted")


@pytest.fixture
def trap(monkeypatch):
    def install(answers: dict[str, list[str]]) -> NetworkTrap:
        network = NetworkTrap(answers)
        monkeypatch.setattr(socket, "getaddrinfo", network.getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", network.create_connection)
        monkeypatch.setattr("urllib3.util.connection.create_connection", network.create_connection)
        monkeypatch.setattr("urllib3.connection.connection.create_connection", network.create_connection)
        return network

    return install


def _stored(user, endpoint: str, fake_push) -> PushSubscription:
    """A subscription row with a browser's real keys (so a send gets as far as connecting)."""
    return PushSubscription.objects.create(user=user, endpoint=endpoint, **fake_push.subscribe().keys)


def _body(fake_push, endpoint: str | None = None) -> dict:
    device = fake_push.subscribe()
    return {"endpoint": endpoint or device.endpoint, "keys": device.keys, "user_agent": "Pixel test"}


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://10.0.0.1/push",
        "https://169.254.169.254/latest/meta-data",
        "https://internal.example/push",
        "https://localhost/push",
        "https://fcm.googleapis.com.evil.example/push",
        "https://evil.example/fcm.googleapis.com/",
        "https://user:pass@fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "http://fcm.googleapis.com/fcm/send/x",
        "https://push.apple.com/x",  # only subdomains of push.apple.com are Apple's push hosts
        "https://[::1]/push",
    ],
)
def test_an_endpoint_outside_the_push_services_is_refused(user_client, fake_push, trap, endpoint):
    network = trap({})
    response = user_client.post("/api/push/subscriptions/", _body(fake_push, endpoint), format="json")
    assert response.status_code == 400
    assert "endpoint" in response.json()
    assert PushSubscription.objects.count() == 0
    assert network.lookups == [] and network.connections == []


@pytest.mark.parametrize(
    "endpoint",
    [
        FCM,
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGv",
        "https://wns2-db5p.notify.windows.com/w/?token=abc",
    ],
)
def test_endpoints_of_the_real_push_services_are_accepted(user_client, fake_push, trap, endpoint):
    network = trap({})
    response = user_client.post("/api/push/subscriptions/", _body(fake_push, endpoint), format="json")
    assert response.status_code == 201, response.json()
    # Registering looks nothing up: only a send resolves the host.
    assert network.lookups == []


def test_loopback_is_refused_unless_the_test_setting_allows_it(user_client, fake_push, settings, trap):
    trap({})
    settings.PUSH_ALLOW_LOOPBACK = False
    response = user_client.post("/api/push/subscriptions/", _body(fake_push), format="json")
    assert response.status_code == 400 and "endpoint" in response.json()


@pytest.mark.parametrize(
    "answers",
    [
        ["10.0.0.1"],
        ["192.168.1.10"],
        ["172.16.0.5"],
        ["169.254.169.254"],
        ["100.64.0.1"],
        ["0.0.0.0"],
        ["240.0.0.1"],
        ["::ffff:10.0.0.1"],
        ["fd00::1"],
        ["fe80::1"],
        ["8.8.4.4", "10.0.0.1"],  # one inside answer is enough to refuse
    ],
)
def test_a_push_service_name_resolving_inside_is_refused_before_any_connection(
    user, trap, settings, fake_push, answers
):
    settings.PUSH_ALLOW_LOOPBACK = False
    network = trap({"fcm.googleapis.com": answers})
    subscription = _stored(user, FCM, fake_push)
    result = push_send(subscription_info=subscription.info, data=b"{}", ttl=60, urgency="high", topic="t")
    assert result.outcome is Outcome.REJECTED
    assert network.lookups == ["fcm.googleapis.com"]
    assert network.connections == []


def test_loopback_answers_are_refused_without_the_test_setting(user, trap, settings, fake_push):
    settings.PUSH_ALLOW_LOOPBACK = False
    network = trap({"fcm.googleapis.com": ["127.0.0.1"]})
    subscription = _stored(user, FCM, fake_push)
    result = push_send(subscription_info=subscription.info, data=b"{}", ttl=60, urgency="high", topic="t")
    assert result.outcome is Outcome.REJECTED and network.connections == []


def test_a_stored_endpoint_off_the_list_is_never_contacted(user, trap, fake_push):
    network = trap({})
    subscription = _stored(user, "https://10.0.0.1/x", fake_push)
    result = push_send(subscription_info=subscription.info, data=b"{}", ttl=60, urgency="high", topic="t")
    assert result.outcome is Outcome.REJECTED
    assert network.lookups == [] and network.connections == []


class _HostRecorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _HostRecorder.seen.append((self.headers["Host"], self.client_address[0]))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_connection_goes_to_the_checked_address_with_the_name_in_the_host_header(monkeypatch, settings):
    """DNS answers 127.0.0.1 once; the request reaches that address, and the Host header keeps the name."""
    settings.PUSH_SERVICE_HOSTS = ["push.fake.test"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        # The pinned connection "resolves" the checked literal address again, which asks no one.
        assert host in ("push.fake.test", "127.0.0.1"), host
        if host != "127.0.0.1":
            lookups.append(host)
        return real_getaddrinfo("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", endpoints.PinnedAdapter())
    try:
        response = session.post(f"http://push.fake.test:{port}/sub/1", data=b"x", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 201
    assert lookups == ["push.fake.test"]
    assert _HostRecorder.seen == [(f"push.fake.test:{port}", "127.0.0.1")]


def test_a_user_can_register_at_most_ten_devices(user_client, fake_push):
    for _ in range(10):
        assert (
            user_client.post("/api/push/subscriptions/", _body(fake_push), format="json").status_code == 201
        )
    response = user_client.post("/api/push/subscriptions/", _body(fake_push), format="json")
    assert response.status_code == 400
    assert "At most 10 devices" in response.json()["non_field_errors"][0]
    assert PushSubscription.objects.count() == 10


def test_the_test_button_is_throttled(
    user, user_client, subscribe, fake_push, django_capture_on_commit_callbacks
):
    subscribe(user)
    statuses = []
    for _ in range(7):
        with django_capture_on_commit_callbacks(execute=True):
            statuses.append(user_client.post("/api/reminders/test").status_code)
    assert statuses == [202] * 6 + [429]
    assert len(fake_push.accepted()) == 6


def test_another_accounts_endpoint_is_not_taken_over_without_its_keys(
    user, other_client, subscribe, fake_push
):
    device, _ = subscribe(user)
    stranger = fake_push.subscribe()  # other keys, same endpoint
    body = {"endpoint": device.endpoint, "keys": stranger.keys}
    response = other_client.post("/api/push/subscriptions/", body, format="json")
    assert response.status_code == 409
    assert "another account" in response.json()["endpoint"][0]
    assert PushSubscription.objects.get().user_id == user.pk
    assert other_client.get("/api/push/subscriptions/").json() == []


def test_the_same_browser_signing_into_another_account_moves_its_device(
    user, other_user, other_client, subscribe
):
    device, _ = subscribe(user)
    response = other_client.post(
        "/api/push/subscriptions/", {"endpoint": device.endpoint, "keys": device.keys}, format="json"
    )
    assert response.status_code == 201
    assert PushSubscription.objects.get().user_id == other_user.pk


def test_the_device_list_says_working_or_not_never_what_the_push_service_said(
    user, user_client, subscribe, fake_push, django_capture_on_commit_callbacks
):
    from tests.reminders.fakepush import Reply

    good, _ = subscribe(user)
    bad, _ = subscribe(user)
    fake_push.script(bad, Reply(status=400))
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post("/api/reminders/test")
    devices = {d["endpoint"]: d for d in user_client.get("/api/push/subscriptions/").json()}
    assert devices[good.endpoint]["status"] == "working"
    assert devices[bad.endpoint]["status"] == "not working"
    for device in devices.values():
        assert set(device) == {"id", "endpoint", "user_agent", "created_at", "status"}
