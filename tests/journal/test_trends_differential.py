"""The trend numbers are the same whichever of the three computes them, on journals nobody wrote by hand.

Hypothesis generates journals (several users, time zones with DST changes at odd hours or at
midnight, entries at local midnight, deleted records, sparse and dense weeks, massages with
and without a score after). For each one:

- the Python computation (journal/trends/compute.py),
- the shipped JavaScript (frontend/static/js/trends-compute.js in one Node process per run,
  fed the vocabulary the app serves, so it has no threshold of its own),
- the service over the stored rows (on PostgreSQL: the SQL aggregation)

must each give exactly what tests/journal/trends_reference.py, a plain implementation of the
rules sharing no code with them, gives. A copy of the JavaScript with one planted mistake must
be caught.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from journal.models import MassageSession, PainEntry
from journal.trends.compute import compute_trends
from journal.trends.rules import trends_vocabulary
from journal.trends.services import trends_get
from tests.journal.trends_fixtures import store_records
from tests.journal.trends_reference import reference_trends

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or "/usr/bin/node"
WORKER = ROOT / "tests" / "js" / "trends_worker.mjs"
SHIPPED_JS = ROOT / "frontend" / "static" / "js" / "trends-compute.js"
VOCABULARY = json.loads(json.dumps(trends_vocabulary()))

# Zones whose clocks change at 02:00 or 03:00 (Berlin, New York), by 30 minutes (Lord Howe),
# at local midnight (Havana, Cairo) or at 24:00 (Santiago), with odd offsets (Kathmandu,
# Chatham, St John's) and the extremes UTC-11 and UTC+14.
TIME_ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Havana",
    "Africa/Cairo",
    "America/Santiago",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/St_Johns",
    "Pacific/Pago_Pago",
    "Pacific/Kiritimati",
]


def clock_changes(time_zone: str, year: int) -> list[datetime]:
    """The UTC instants in the year at which the zone's offset changes (found in half-hour steps)."""
    zone, step = ZoneInfo(time_zone), timedelta(minutes=30)
    changes, moment = [], datetime(year, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        moment += step
        if (new := moment.astimezone(zone).utcoffset()) != offset:
            changes.append(moment)
            offset = new
    return changes


# Every clock change of 2025 in those zones: journals gather around them, where a local day
# is 23 or 25 hours long and local midnight may be skipped or repeated.
CLOCK_CHANGES = [(zone, moment) for zone in TIME_ZONES for moment in clock_changes(zone, 2025)]
# Local clock times at midnight, around it, and inside the hours that DST skips or repeats.
EDGE_TIMES = [(0, 0), (0, 30), (23, 59), (23, 30), (1, 0), (1, 30), (2, 0), (2, 30), (3, 0), (12, 0)]
ZONE_CODES = [zone["code"] for zone in VOCABULARY["zones"]]
SIDES = list(VOCABULARY["sides"])
POSTURES = list(VOCABULARY["postures"])
PORTIONS = list(VOCABULARY["portions"])


def instant(day: date, hour: int, minute: int, fold: int, time_zone: str) -> str:
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(time_zone), fold=fold)
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def journals(draw: st.DrawFn) -> dict[str, Any]:
    change = draw(st.one_of(st.none(), st.sampled_from(CLOCK_CHANGES)))
    if change:
        anchor = change[1].astimezone(ZoneInfo(change[0])).date()
    else:
        anchor = draw(st.one_of(st.just(date(2024, 12, 31)), st.dates(date(2019, 1, 1), date(2026, 6, 30))))
    span = draw(st.one_of(st.integers(1, 21), st.integers(22, 120), st.just(365)))
    date_to = anchor + timedelta(days=draw(st.integers(0, min(14, span - 1))))  # the anchor in range
    date_from = date_to - timedelta(days=span - 1)
    home = change[0] if change else draw(st.sampled_from(TIME_ZONES))
    # Sparse journals spread over the range (and the weeks before it); dense ones pile onto a few days.
    spread = st.integers(-35, span + 2)
    offsets = draw(st.one_of(st.just(spread), st.lists(spread, min_size=1, max_size=3).map(st.sampled_from)))

    def when() -> tuple[str, str]:
        if change and draw(st.booleans()):  # within a day of the clock change, in its zone
            minutes = draw(st.one_of(st.integers(-120, 120), st.integers(-1500, 1500)))
            moment = change[1] + timedelta(minutes=minutes)
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), change[0]
        day = date_from + timedelta(days=draw(offsets))
        any_time = st.tuples(st.integers(0, 23), st.integers(0, 59))
        hour, minute = draw(st.one_of(st.sampled_from(EDGE_TIMES), any_time))
        time_zone = draw(st.one_of(st.just(home), st.sampled_from(TIME_ZONES)))
        return instant(day, hour, minute, draw(st.integers(0, 1)), time_zone), time_zone

    def records(at_most: int, **fields: st.SearchStrategy[Any]) -> list[dict[str, Any]]:
        """Up to ``at_most`` records at drawn moments, fields drawn in order; about one in ten deleted."""
        drawn = []
        for _ in range(draw(st.integers(0, at_most))):
            occurred_at, time_zone = when()
            values = {name: draw(strategy) for name, strategy in fields.items()}
            drawn.append(
                {
                    "occurred_at": occurred_at,
                    "time_zone": time_zone,
                    **values,
                    "deleted": draw(st.integers(0, 9)) == 0,
                }
            )
        return drawn

    score = st.integers(0, 10)
    entries = records(
        60,
        zone=st.sampled_from(ZONE_CODES),
        side=st.sampled_from(SIDES),
        posture=st.sampled_from(POSTURES),
        intensity=score,
    )
    massages = records(
        12,
        portion=st.sampled_from(PORTIONS),
        side=st.sampled_from(SIDES),
        pain_before=score,
        pain_after=st.one_of(st.none(), score),
    )
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "entries": entries,
        "massages": massages,
    }


class NodeTrends:
    """One Node process computing trends-compute.js for every journal sent to it."""

    def __init__(self, module: Path) -> None:
        if not Path(NODE).exists():
            pytest.fail("node is needed to run frontend/static/js/trends-compute.js")
        self.process = subprocess.Popen(
            [NODE, str(WORKER), str(module)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self._ask(VOCABULARY) == {"ready": True}

    def _ask(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the Node worker exited"
        return json.loads(line)

    def compute(self, journal: dict[str, Any]) -> dict[str, Any]:
        return self._ask(journal)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def node() -> Iterator[NodeTrends]:
    worker = NodeTrends(SHIPPED_JS)
    yield worker
    worker.close()


def plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


def first_difference(expected: Any, got: Any, path: str = "") -> str | None:
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            missing = "<missing>"
            found = first_difference(expected.get(key, missing), got.get(key, missing), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(got, list):
        for i, (a, b) in enumerate(zip(expected, got, strict=False)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None if len(expected) == len(got) else f"{path}: {len(expected)} items, got {len(got)}"
    return None if expected == got else f"{path}: expected {expected!r}, got {got!r}"


def expected_for(journal: dict[str, Any]) -> dict[str, Any]:
    return plain(
        reference_trends(
            entries=journal["entries"],
            massages=journal["massages"],
            date_from=journal["from"],
            date_to=journal["to"],
            vocabulary=VOCABULARY,
        )
    )


def assert_same(name: str, expected: dict[str, Any], got: dict[str, Any]) -> None:
    difference = first_difference(expected, plain(got))
    assert difference is None, f"{name} differs from the reference at {difference}"


class Differential:
    """Checks each generated journal (one per user) in all three places; counts what it checked."""

    def __init__(self, node: NodeTrends, users: list[Any]) -> None:
        self.node, self.users, self.journals = node, users, 0

    def check(self, batch: list[dict[str, Any]]) -> None:
        PainEntry.objects.filter(user__in=self.users).delete()
        MassageSession.objects.filter(user__in=self.users).delete()
        for user, journal in zip(self.users, batch, strict=False):
            store_records(user, journal["entries"], journal["massages"])
        for user, journal in zip(self.users, batch, strict=False):
            expected = expected_for(journal)
            python = compute_trends(
                entries=journal["entries"],
                massages=journal["massages"],
                date_from=journal["from"],
                date_to=journal["to"],
            )
            assert_same("compute.py", expected, python)
            assert_same("trends-compute.js", expected, self.node.compute(journal))
            first, last = date.fromisoformat(journal["from"]), date.fromisoformat(journal["to"])
            stored = trends_get(user=user, date_from=first, date_to=last)
            assert_same("the service over stored rows", expected, stored)
            self.journals += 1


BATCHES = st.lists(journals(), min_size=1, max_size=3)
HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}


@pytest.fixture
def differential(node: NodeTrends, make_user: Any) -> Differential:
    users = [make_user(time_zone=zone) for zone in ("Europe/Berlin", "America/New_York", "Pacific/Chatham")]
    return Differential(node, users)


@pytest.mark.django_db
@pytest.mark.parametrize("journals", [40, pytest.param(500, marks=pytest.mark.slow)])
def test_python_javascript_and_the_database_agree_on_random_journals(differential, journals):
    @settings(max_examples=journals, **HYPOTHESIS)
    @given(batch=BATCHES)
    def run(batch: list[dict[str, Any]]) -> None:
        differential.check(batch)

    run()
    assert differential.journals >= journals


# Mistakes a hand port could make: each must be caught by the same generated journals.
PLANTED = {
    "a drop of exactly 2 points is not counted as better": ("drop >= pointsH", "drop > pointsH"),
    "a zone's offset read once per UTC day, so clock-change days slip": (
        "return offset === null ? offsetAt(ms, timeZone) : offset;",
        "return offsetAt(Math.floor(ms / DAY_MS) * DAY_MS, timeZone);",
    ),
    "the rolling mean covers 6 days, not 7": ("let back = day - 6", "let back = day - 5"),
    "deleted massages counted": ("    if (m.deleted) return false;\n", ""),
}
# Shrinking a found difference to its smallest journal takes minutes; finding it is the point.
FIND_ONLY = {**HYPOTHESIS, "phases": [Phase.explicit, Phase.generate]}


@pytest.mark.parametrize("mistake", sorted(PLANTED))
def test_a_planted_difference_in_the_javascript_is_caught(mistake, tmp_path):
    shipped, planted = PLANTED[mistake]
    source = SHIPPED_JS.read_text()
    assert source.count(shipped) == 1, "the planted mistake no longer matches the shipped code"
    mutant = tmp_path / "trends-compute.js"
    mutant.write_text(source.replace(shipped, planted))
    worker = NodeTrends(mutant)

    @settings(max_examples=300, **FIND_ONLY)
    @given(journal=journals())
    def run(journal: dict[str, Any]) -> None:
        assert_same("trends-compute.js", expected_for(journal), worker.compute(journal))

    try:
        with pytest.raises(AssertionError, match=r"trends-compute\.js differs from the reference"):
            run()
    finally:
        worker.close()
