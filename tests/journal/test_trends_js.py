"""The browser's trend computation passes the shared fixtures too (Node's built-in test runner)."""

from __future__ import annotations

from tests.node_tests import run_node_test_file


def test_javascript_trends_match_the_shared_fixtures():
    run_node_test_file("tests/js/trends_compute.test.mjs", needed_for="frontend/static/js/trends-compute.js")
