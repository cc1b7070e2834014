"""Journals written straight into the phone's IndexedDB, as the app itself stores them offline."""

from __future__ import annotations

# Opens the signed-in user's journal; ``today`` is the local day number in Berlin (isoDay turns
# ``today - n`` into a date) and ``saveRecord(db, type, fields)`` stores one record.
_OPEN_THE_JOURNAL = """\
  const { getJournal } = await import('/static/js/journal-session.js');
  const { saveRecord } = await import('/static/js/db.js');
  const { localDay, isoDay } = await import('/static/js/trends-compute.js');
  const { db } = await getJournal();
  const today = localDay(new Date(), 'Europe/Berlin');
"""


def seed_script(body: str) -> str:
    """A function for ``page.evaluate`` that opens the journal, then runs ``body`` (JavaScript)."""
    return "async () => {\n" + _OPEN_THE_JOURNAL + body + "}"
