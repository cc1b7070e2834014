"""Every zone has words that read right: a short name for buttons and "Saved ..." notes, and a
phrase that fits "pain in the ..." (no commas or brackets, so a list of zones stays a sentence)."""

import pytest

from body.vocabulary import ZONES, vocabulary_json


@pytest.mark.parametrize("zone", ZONES, ids=lambda zone: zone.code)
def test_each_zone_has_a_short_name_and_a_sentence_phrase(zone):
    assert zone.short and len(zone.short) <= 20
    assert zone.phrase and not set(zone.phrase) & set(",()/")
    assert zone.short == zone.short.lower() and zone.phrase == zone.phrase.lower()


def test_the_short_names_are_distinct_and_reach_the_browser():
    shorts = [zone.short for zone in ZONES]
    assert len(set(shorts)) == len(shorts)
    sent = {zone["code"]: (zone["short"], zone["phrase"]) for zone in vocabulary_json()["zones"]}
    assert sent["upper_buttock"] == ("upper buttock", "upper buttock just below the iliac crest")
