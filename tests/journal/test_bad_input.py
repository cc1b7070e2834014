"""Every bad input to every journal endpoint: a 4xx with a clear message, never a 500, nothing changed."""

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.models import MassageSession, PainEntry, SyncClient, SyncRejection, SyncState
from tests.journal.helpers import Device, massage_payload, pain_payload

pytestmark = pytest.mark.django_db


def _stored() -> list:
    """Everything the journal has stored, to compare before and after a bad request."""
    return [
        list(PainEntry.objects.order_by("id").values()),
        list(MassageSession.objects.order_by("id").values()),
        list(SyncState.objects.values()),
        list(SyncClient.objects.values("client_id", "user_id", "last_mutation_id")),
        list(SyncRejection.objects.values()),
    ]


@pytest.fixture
def existing(user_client):
    entry, massage = pain_payload(), massage_payload()
    phone = Device(user_client)
    response = phone.push(
        phone.mutation("upsert", entry), phone.mutation("upsert", massage, "massage_session")
    )
    assert response.json()["rejected"] == []
    return {"entry": entry["id"], "massage": massage["id"], "client_id": str(phone.client_id)}


def _assert_refused(response, *, field: str | None = None) -> None:
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert body, "an error must say what is wrong"
    if field is not None:
        assert field in body, body


BAD_ENTRY_FIELDS = [
    ({"intensity": 11}, "intensity"),
    ({"intensity": -1}, "intensity"),
    ({"intensity": "7"}, "intensity"),
    ({"intensity": 7.5}, "intensity"),
    ({"intensity": True}, "intensity"),
    ({"intensity": None}, "intensity"),
    ({"zone": "elbow"}, "zone"),
    ({"zone": ["outer_thigh"]}, "zone"),
    ({"side": "middle"}, "side"),
    ({"posture": "flying"}, "posture"),
    ({"note": "x" * 2001}, "note"),
    ({"note": {"a": 1}}, "note"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"time_zone": ""}, "time_zone"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
    ({"occurred_at": "9999-12-31T23:59:59-12:00"}, "occurred_at"),
    ({"occurred_at": 1700000000}, "occurred_at"),
    ({"id": "abc"}, "id"),
    ({"id": 12}, "id"),
]


@pytest.mark.parametrize(
    ("change", "field"), BAD_ENTRY_FIELDS, ids=[repr(c)[:40] for c, _ in BAD_ENTRY_FIELDS]
)
def test_creating_an_entry_with_a_bad_field_is_refused(user_client, existing, change, field):
    before = _stored()
    response = user_client.post("/api/entries/", pain_payload(**change), format="json")
    _assert_refused(response, field=field)
    assert _stored() == before


@pytest.mark.parametrize(
    ("change", "field"), [(c, f) for c, f in BAD_ENTRY_FIELDS if f != "id"], ids=lambda v: repr(v)[:40]
)
def test_editing_an_entry_with_a_bad_field_is_refused(user_client, existing, change, field):
    before = _stored()
    response = user_client.patch(f"/api/entries/{existing['entry']}/", change, format="json")
    _assert_refused(response, field=field)
    assert _stored() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 61}, "minutes"),
        ({"pain_before": 11}, "pain_before"),
        ({"pain_after": -2}, "pain_after"),
        ({"tool": "hammer"}, "tool"),
        ({"portion": "middle"}, "portion"),
        ({"pain_before": None}, "pain_before"),
    ],
)
def test_bad_massage_fields_are_refused_on_create_and_edit(user_client, existing, change, field):
    before = _stored()
    _assert_refused(user_client.post("/api/massages/", massage_payload(**change), format="json"), field=field)
    _assert_refused(
        user_client.patch(f"/api/massages/{existing['massage']}/", change, format="json"), field=field
    )
    assert _stored() == before


def test_a_missing_required_field_is_named(user_client, existing):
    payload = pain_payload()
    del payload["zone"], payload["intensity"]
    response = user_client.post("/api/entries/", payload, format="json")
    _assert_refused(response)
    assert set(response.json()) == {"zone", "intensity"}


@pytest.mark.parametrize("path", ["/api/entries/", "/api/massages/", "/api/sync/push"])
@pytest.mark.parametrize(
    "body",
    ['{"intensity": ', "[1, 2", "not json", '"a string"', "[]", "null", "42", "[" * 100_000 + "]" * 100_000],
    ids=["truncated", "unclosed", "text", "json-string", "json-array", "null", "number", "deeply-nested"],
)
def test_malformed_json_or_the_wrong_top_level_shape_is_refused(user_client, existing, path, body):
    before = _stored()
    _assert_refused(user_client.post(path, body, content_type="application/json"))
    assert _stored() == before


@pytest.mark.parametrize("path", ["/api/entries/", "/api/sync/push"])
def test_a_body_that_is_not_json_is_refused(user_client, existing, path):
    before = _stored()
    response = user_client.post(path, "intensity=5", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert _stored() == before


@pytest.mark.parametrize("pk", ["abc", "123", "not-a-uuid-at-all", "%00", "0" * 300])
def test_a_non_uuid_record_id_in_the_url_is_404(user_client, existing, pk):
    before = _stored()
    for method in ("get", "patch", "delete"):
        response = getattr(user_client, method)(f"/api/entries/{pk}/", {"intensity": 1}, format="json")
        assert response.status_code == 404
    assert _stored() == before


@pytest.mark.parametrize(
    "query",
    [
        {"from": "yesterday"},
        {"to": "2026-13-40T00:00:00Z"},
        {"from": "2026-03-10T00:00:00Z", "to": "2026-03-01T00:00:00Z"},
        {"from": ""},
    ],
)
def test_a_bad_list_filter_is_refused(user_client, existing, query):
    _assert_refused(user_client.get("/api/entries/", query))


def test_nonsense_pagination_is_refused_with_the_allowed_range(user_client, existing):
    # Spellings Python's int() would take but the schema's integer does not: refused, not guessed.
    loose = ({"limit": " 5"}, {"limit": "\u0665"}, {"offset": "1_0"}, {"limit": ""}, {"offset": ""})
    for query in ({"limit": "abc"}, {"limit": -5}, {"offset": "x"}, {"limit": 10**30}, *loose):
        response = user_client.get("/api/entries/", query)
        assert response.status_code == 400
        field = next(iter(query))
        assert "whole number" in response.json()[field][0]


def _push(client, **envelope):
    body = {"client_id": str(uuid.uuid4()), "schema": 1, "mutations": []}
    body.update(envelope)
    return client.post("/api/sync/push", body, format="json")


def _mutation(**overrides):
    mutation = {"id": 1, "type": "pain_entry", "op": "upsert", "record": pain_payload()}
    mutation.update(overrides)
    return mutation


BAD_ENVELOPES = [
    ({"client_id": "abc"}, "client_id"),
    ({"client_id": None}, "client_id"),
    ({"schema": "one"}, "schema"),
    ({"schema": -1}, "schema"),
    ({"mutations": "x"}, "mutations"),
    ({"mutations": {"id": 1}}, "mutations"),
    ({"mutations": [1, 2]}, "mutations"),
    ({"mutations": [_mutation(id="abc")]}, "mutations"),
    ({"mutations": [_mutation(id=0)]}, "mutations"),
    ({"mutations": [_mutation(id=1.5)]}, "mutations"),
    ({"mutations": [_mutation(id=10**30)]}, "mutations"),
    ({"schema": 10**30}, "schema"),
    ({"mutations": [_mutation(type="appointment")]}, "mutations"),
    ({"mutations": [_mutation(op="merge")]}, "mutations"),
    ({"mutations": [_mutation(record=[])]}, "mutations"),
    ({"mutations": [_mutation(record="x")]}, "mutations"),
    ({"mutations": [_mutation(record=None)]}, "mutations"),
]


@pytest.mark.parametrize(("envelope", "field"), BAD_ENVELOPES, ids=[repr(e)[:50] for e, _ in BAD_ENVELOPES])
def test_a_malformed_push_envelope_is_refused_and_applies_nothing(user_client, existing, envelope, field):
    before = _stored()
    _assert_refused(_push(user_client, **envelope), field=field)
    assert _stored() == before


def test_ten_thousand_mutations_in_one_push_are_refused_with_the_limit_named(user_client, existing):
    before = _stored()
    mutations = [
        {"id": n, "type": "pain_entry", "op": "delete", "record": {"id": existing["entry"]}}
        for n in range(1, 10_001)
    ]
    response = _push(user_client, client_id=existing["client_id"], mutations=mutations)
    assert response.status_code == 400
    assert "500" in json.dumps(response.json())
    assert _stored() == before


def test_five_hundred_and_one_mutations_are_refused_but_five_hundred_pass(user_client, existing):
    before = _stored()
    mutations = [_mutation(id=n, record=pain_payload()) for n in range(1, 502)]
    response = _push(user_client, mutations=mutations)
    assert response.status_code == 400
    assert "At most 500 mutations" in response.json()["mutations"][0]
    assert _stored() == before
    assert _push(user_client, mutations=mutations[:500]).json()["last_mutation_id"] == 500


@pytest.mark.parametrize(
    "record",
    [
        {"id": "abc", "intensity": 3},
        {"intensity": 3},
        {"id": None},
        {"id": ["x"]},
        {"id": str(uuid.uuid4()), "intensity": {"deep": [1, {"x": None}]}},
    ],
    ids=["non-uuid", "no-id", "null-id", "list-id", "nested-garbage"],
)
def test_a_mutation_with_a_bad_record_is_rejected_by_itself(user_client, existing, record):
    before = _stored()[:2]
    response = _push(user_client, mutations=[_mutation(record=record)])
    assert response.status_code == 200
    rejected = response.json()["rejected"]
    assert len(rejected) == 1
    assert rejected[0]["code"] == "invalid"
    assert rejected[0]["errors"]
    assert _stored()[:2] == before


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": -1},
        {"cursor": "abc"},
        {"limit": 0},
        {"limit": 501},
        {"limit": "x"},
        {"rejected_after": "y"},
        {"limit": ""},
        {"cursor": ""},
    ],
)
def test_a_bad_pull_query_is_refused(user_client, existing, query):
    _assert_refused(user_client.get("/api/sync/pull", query))


@pytest.mark.parametrize("header", ["phone-1", "", f"{{{uuid.UUID(int=1)}}}", uuid.UUID(int=1).hex])
def test_a_client_header_that_is_not_a_dashed_uuid_is_refused(user_client, existing, header):
    _assert_refused(user_client.get("/api/sync/pull", HTTP_X_CLIENT_ID=header), field="X-Client-Id")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
ENTRY_FIELD_VALUES = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(
        ("id", "occurred_at", "time_zone", "zone", "side", "posture", "intensity", "note"), JSON_VALUES
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=ENTRY_FIELD_VALUES | JSON_VALUES)
def test_random_json_never_breaks_entry_create_or_edit(user_client, existing, body):
    for response in (
        user_client.post("/api/entries/", body, format="json"),
        user_client.patch(f"/api/entries/{existing['entry']}/", body, format="json"),
    ):
        assert response.status_code < 500


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "client_id": JSON_VALUES | st.uuids().map(str),
            "schema": JSON_VALUES,
            "mutations": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "id": JSON_VALUES,
                        "type": st.sampled_from(["pain_entry", "massage_session"]) | JSON_VALUES,
                        "op": st.sampled_from(["upsert", "delete"]) | JSON_VALUES,
                        "record": ENTRY_FIELD_VALUES | JSON_VALUES,
                    },
                )
                | JSON_VALUES,
                max_size=4,
            )
            | JSON_VALUES,
        },
    )
)
def test_random_json_never_breaks_push(user_client, existing, body):
    assert user_client.post("/api/sync/push", body, format="json").status_code < 500


# --- NUL bytes, unpaired surrogates, deep nesting -------------------------------------------
BAD_CODE_POINTS = ["\x00", "\ud800", "\udfff", "outer_thigh\x00", "a\ud83d"]


def _raw_json(body: object) -> bytes:
    """JSON with lone surrogates written as \\uXXXX escapes (what a hostile client can send)."""
    return json.dumps(body, ensure_ascii=True).encode()


def _no_bad_code_points(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    assert "\x00" not in text and "\\u0000" not in text
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text), text


@pytest.mark.parametrize("bad", BAD_CODE_POINTS, ids=repr)
@pytest.mark.parametrize("field", ["zone", "side", "posture", "note", "time_zone"])
def test_nul_or_lone_surrogate_in_any_entry_field_is_a_400_that_never_echoes_it(
    user_client, existing, field, bad
):
    before = _stored()
    body = _raw_json(pain_payload(**{field: bad}))
    response = user_client.post("/api/entries/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    _no_bad_code_points(response.json())
    assert _stored() == before


@pytest.mark.parametrize("bad", BAD_CODE_POINTS, ids=repr)
@pytest.mark.parametrize("field", ["portion", "side", "tool", "note"])
def test_nul_or_lone_surrogate_in_a_massage_field_is_a_400(user_client, existing, field, bad):
    body = _raw_json(massage_payload(**{field: bad}))
    response = user_client.post("/api/massages/", body, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    _no_bad_code_points(response.json())


@pytest.mark.parametrize("bad", BAD_CODE_POINTS, ids=repr)
@pytest.mark.parametrize("field", ["zone", "note", "time_zone"])
def test_a_synced_mutation_with_bad_code_points_is_rejected_stored_safely_and_the_queue_moves_on(
    user_client, existing, field, bad
):
    """On PostgreSQL a NUL or lone surrogate in the stored rejection made every retry a 500."""
    phone = Device(user_client)
    bad_mutation = phone.mutation("upsert", pain_payload(**{field: bad}))
    good = pain_payload()
    body = {
        "client_id": str(phone.client_id),
        "schema": 1,
        "mutations": [bad_mutation, phone.mutation("upsert", good)],
    }
    for _attempt in range(2):  # a retry after a lost response answers the same
        response = user_client.post("/api/sync/push", _raw_json(body), content_type="application/json")
        assert response.status_code == 200, response.content
        answer = response.json()
        assert answer["last_mutation_id"] == 2
        [rejection] = answer["rejected"]
        assert rejection["id"] == 1 and rejection["code"] == "invalid" and field in rejection["errors"]
        _no_bad_code_points(answer)
    assert PainEntry.objects.filter(pk=good["id"]).exists()
    stored = SyncRejection.objects.get(client__client_id=phone.client_id)
    _no_bad_code_points(stored.errors)
    assert SyncClient.objects.get(client_id=phone.client_id).last_mutation_id == 2


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=repr)
@pytest.mark.parametrize("field", ["type", "op"])
def test_bad_code_points_in_the_push_envelope_are_a_400_that_never_echoes_them(
    user_client, existing, field, bad
):
    phone = Device(user_client)
    mutation = phone.mutation("upsert", pain_payload())
    mutation[field] = bad
    body = {"client_id": str(phone.client_id), "schema": 1, "mutations": [mutation]}
    before = _stored()
    response = user_client.post("/api/sync/push", _raw_json(body), content_type="application/json")
    assert response.status_code == 400
    _no_bad_code_points(response.json())
    assert _stored() == before


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
@pytest.mark.parametrize("path", ["/api/entries/", "/api/sync/push"])
def test_json_nested_too_deep_is_a_400_that_says_so(user_client, existing, path, depth):
    before = _stored()
    body = "[" * depth + "]" * depth
    response = user_client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than 32 levels" in response.json()["detail"]
    assert _stored() == before
