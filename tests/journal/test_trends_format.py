"""Every trend number is written one way, in Python and in the browser (formatScore)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from journal.trends.format import score

ROOT = Path(__file__).resolve().parents[2]
# Hundredths that a float's own rounding gets wrong (x.x5 is stored just below), and signs.
VALUES = [3.65, 3.75, 4.05, 0.05, 1.45, 2.35, 9.95, 10.0, 0.0, -2.25, -0.05, 6.15, 5.5, 7.21]


def test_one_decimal_half_away_from_zero_on_the_hundredths():
    assert [score(v) for v in (3.65, 4.05, 9.95, -2.25, 0.04)] == ["3.7", "4.1", "10.0", "2.3", "0.0"]
    assert score(-2.25, signed=True) == "-2.3"
    assert score(0.4, signed=True) == "+0.4"
    assert score(None) == "-"


def test_the_browser_writes_every_value_as_the_server_does():
    script = (
        "import('./frontend/static/js/trends-compute.js').then(({ formatScore }) => {"
        f"const values = {json.dumps(VALUES)};"
        "console.log(JSON.stringify(values.map((v) => [formatScore(v), formatScore(v, { signed: true })])));"
        "});"
    )
    result = subprocess.run(
        [shutil.which("node") or "/usr/bin/node", "--input-type=module", "-e", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert json.loads(result.stdout) == [[score(v), score(v, signed=True)] for v in VALUES]
