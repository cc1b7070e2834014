"""A device whose client id the server has bound to another account (a copied browser
profile) takes a fresh id on the server's "foreign_client" code and its changes still arrive."""

import uuid

import pytest

from journal.models import PainEntry, SyncClient
from tests.journal.journal_browser import go_quiet, wait_until_synced
from tests.waiting import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Gives this page's journal the taken client id, then writes an entry and lets sync run.
WRITE_WITH_CLIENT_ID = """async (clientId) => {
  const store = await import("/static/js/db.js");
  const { getJournal } = await import("/static/js/journal-session.js");
  const journal = await getJournal();
  await store.setMeta(journal.db, "client_id", clientId);
  await store.saveRecord(journal.db, "pain_entry", {
    occurred_at: new Date().toISOString(), time_zone: "Europe/Berlin", zone: "outer_thigh",
    side: "left", posture: "sitting", intensity: 6, note: "",
  });
  await journal.engine.noteLocalWrite();
}"""

CLIENT_ID = """async () => {
  const store = await import("/static/js/db.js");
  const { getJournal } = await import("/static/js/journal-session.js");
  return store.getMeta((await getJournal()).db, "client_id");
}"""


def test_a_foreign_client_id_is_replaced_and_the_entry_still_syncs(
    page, context, live_server, login, user, other_user
):
    taken = uuid.uuid4()
    SyncClient.objects.create(client_id=taken, user=other_user)
    login(context, user)
    page.goto(live_server.url + "/journal/")
    wait_until_synced(page)
    page.evaluate(WRITE_WITH_CLIENT_ID, str(taken))
    wait_for(lambda: PainEntry.objects.filter(user=user).exists(), timeout=30, what="the entry on the server")
    wait_until_synced(page)
    fresh = page.evaluate(CLIENT_ID)
    assert fresh != str(taken)
    assert SyncClient.objects.get(client_id=fresh).user_id == user.pk
    assert not PainEntry.objects.filter(user=other_user).exists()
    assert page.get_by_text("Sign in again").count() == 0, "a foreign client id is no expired session"
    go_quiet(context)
