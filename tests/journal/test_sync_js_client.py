"""The shipped sync client's recovery paths against a scripted server (Node's test runner):
refused changes moved aside, re-syncs, full syncs from cursor 0, revoked client ids."""

from __future__ import annotations

from tests.node_tests import run_node_test_file


def test_the_sync_client_recovers_without_losing_or_repeating_a_change():
    run_node_test_file("tests/js/sync_client.test.mjs", needed_for="frontend/static/js/db.js and sync.js")
