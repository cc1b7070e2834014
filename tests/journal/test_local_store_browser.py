"""The IndexedDB store (frontend/static/js/db.js) in a real browser: one transaction per write,
pulled pages under unconfirmed edits, confirmations and refusals, deletes that stay final."""

import pytest

from tests.journal.journal_browser import go_quiet, wait_until_synced

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in the page with the app's own module and a scratch database of user "store-test".
SCENARIO = """async (steps) => {
  const store = await import("/static/js/db.js");
  await store.deleteJournalDb("store-test");
  const db = await store.openJournalDb("store-test");
  const log = {};
  const fields = {occurred_at: "2026-03-10T08:00:00.000Z", time_zone: "Europe/Berlin", zone: "outer_thigh",
                  side: "left", posture: "sitting", intensity: 4, note: ""};
  const created = await store.saveRecord(db, "pain_entry", fields);
  log.afterCreate = {outbox: await db.getAll("outbox"), next: await store.getMeta(db, "next_mutation_id")};
  if (steps.includes("edit")) {
    await store.saveRecord(db, "pain_entry", {...fields, intensity: 7}, {id: created.id});
  }
  log.afterEdit = await db.getAll("outbox");
  const server = {...fields, id: created.id, type: "pain_entry", version: 1, deleted: false};
  if (steps.includes("pull-old")) {
    // The server confirms the create (mutation 1) but not yet the edit (mutation 2).
    await store.applyPulledPage(db, {changes: [server], cursor: 1, lastMutationId: 1});
  }
  if (steps.includes("pull-tombstone")) {
    const tombstone = {id: created.id, type: "pain_entry", deleted: true, version: 2};
    await store.applyPulledPage(db, {changes: [tombstone], cursor: 2, lastMutationId: 1});
  }
  if (steps.includes("refused")) {
    await store.confirmPushed(db, 2, [{id: 2, code: "invalid", errors: {intensity: ["Too high."]}}]);
  }
  log.records = await store.allRecords(db);
  log.summary = await store.outboxSummary(db);
  log.cursor = await store.getMeta(db, "cursor");
  db.close();
  await store.deleteJournalDb("store-test");
  return log;
}"""


@pytest.fixture
def scratch_page(page, context, live_server, login, user):
    login(context, user)
    page.goto(live_server.url + "/offline/")
    wait_until_synced(page)
    yield page
    go_quiet(context)


def test_a_write_lands_with_its_outbox_entry_and_the_next_mutation_id(scratch_page):
    log = scratch_page.evaluate(SCENARIO, [])
    assert [(m["mutation_id"], m["op"], m["record"]["intensity"]) for m in log["afterCreate"]["outbox"]] == [
        (1, "upsert", 4)
    ]
    assert log["afterCreate"]["next"] == 2
    assert [r["intensity"] for r in log["records"]] == [4]


def test_an_edit_sends_only_the_changed_field(scratch_page):
    log = scratch_page.evaluate(SCENARIO, ["edit"])
    edit = log["afterEdit"][1]
    assert sorted(edit["record"]) == ["id", "intensity"]
    assert edit["record"]["intensity"] == 7


def test_a_pulled_older_row_does_not_hide_an_unconfirmed_edit(scratch_page):
    log = scratch_page.evaluate(SCENARIO, ["edit", "pull-old"])
    assert [(r["intensity"], r["version"]) for r in log["records"]] == [(7, 1)]
    assert log["summary"]["pending"] == 1, "the create is confirmed, the edit still waits"
    assert log["cursor"] == 1


def test_a_delete_from_another_device_is_final(scratch_page):
    log = scratch_page.evaluate(SCENARIO, ["edit", "pull-tombstone"])
    assert log["records"] == []
    assert log["summary"]["pending"] == 1, "the edit still goes out, in order, to be answered gone"


def test_a_refused_change_stays_visible_with_its_reason(scratch_page):
    log = scratch_page.evaluate(SCENARIO, ["edit", "refused"])
    assert log["summary"]["pending"] == 0
    assert [(r["mutation_id"], r["errors"]) for r in log["summary"]["rejected"]] == [
        (2, {"intensity": ["Too high."]})
    ]
    assert [r["intensity"] for r in log["records"]] == [7]
