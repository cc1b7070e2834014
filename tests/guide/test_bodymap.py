"""The shared body map: every zone on both sides, tappable when asked, coloured by options."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from body.templatetags.bodymap import zones_of_portion
from body.vocabulary import ANTERIOR, POSTERIOR, SIDES, ZONES


def render(**options) -> str:
    return render_to_string("bodymap/body.html", {"id_prefix": "map", **options})


def zone_tags(markup: str) -> list[str]:
    return re.findall(r"<path [^>]*data-zone=[^>]*>", markup)


def attribute(tag: str, name: str) -> str | None:
    match = re.search(rf'{name}="([^"]*)"', tag)
    return match.group(1) if match else None


def test_every_zone_appears_once_on_each_side():
    tags = zone_tags(render())
    pairs = sorted((attribute(tag, "data-zone"), attribute(tag, "data-side")) for tag in tags)
    assert pairs == sorted((zone.code, side) for zone in ZONES for side in SIDES)


def test_the_map_shows_landmarks_and_has_an_accessible_name():
    markup = render(title="Where it hurts", desc="Zones of the leg.")
    assert markup.count('class="bodymap-crest"') == 4  # two profiles and both halves from behind
    assert markup.count('class="bodymap-trochanter"') == 4
    assert 'role="img" aria-labelledby="map-title map-desc"' in markup
    assert '<title id="map-title">Where it hurts</title>' in markup
    assert " style=" not in markup


def test_an_interactive_map_makes_each_zone_a_labelled_button():
    markup = render(interactive=True)
    assert 'role="group"' in markup
    for tag in zone_tags(markup):
        assert attribute(tag, "role") == "button"
        assert attribute(tag, "tabindex") == "0"
        assert attribute(tag, "aria-pressed") == "false"
    assert 'aria-label="outer thigh, left"' in markup
    assert 'aria-label="below the iliac crest (upper buttock, hip), right"' in markup


def test_a_plain_map_has_no_buttons():
    assert 'role="button"' not in render()


def test_highlighting_a_portion_on_one_side_shades_exactly_its_zones():
    markup = render(highlight=zones_of_portion(POSTERIOR), highlight_side="left")
    shaded = {
        (attribute(tag, "data-zone"), attribute(tag, "data-side"))
        for tag in zone_tags(markup)
        if "is-highlighted" in attribute(tag, "class")
    }
    assert shaded == {(code, "left") for code in zones_of_portion(POSTERIOR)}
    assert ("upper_buttock", "left") in shaded and ("outer_thigh", "left") not in shaded


def test_the_portions_follow_the_vocabulary():
    assert set(zones_of_portion(ANTERIOR)) == {"lower_buttock", "outer_thigh", "outer_lower_leg", "foot"}
    assert set(zones_of_portion(POSTERIOR)) == {
        "upper_buttock",
        "lower_buttock",
        "back_thigh",
        "outer_knee",
        "upper_calf",
    }


def test_the_rare_foot_is_marked_rare_when_shaded():
    markup = render(highlight="foot outer_thigh")
    foot = [tag for tag in zone_tags(markup) if attribute(tag, "data-zone") == "foot"]
    assert all("is-rare" in attribute(tag, "class") for tag in foot)


def test_pain_levels_colour_zones_for_trends():
    markup = render(levels={"outer_thigh:left": 6.6, "foot:right": 0, "back_thigh:right": 14})
    classes = {
        (attribute(tag, "data-zone"), attribute(tag, "data-side")): attribute(tag, "class")
        for tag in zone_tags(markup)
    }
    assert "pain-7" in classes[("outer_thigh", "left")]
    assert "pain-0" in classes[("foot", "right")]
    assert "pain-10" in classes[("back_thigh", "right")]
    assert "pain-" not in classes[("outer_thigh", "right")]


def test_massage_ball_and_hip_view():
    markup = render(ball="anterior", view="hip-right")
    assert markup.count('class="bodymap-ball"') == 2
    assert 'viewBox="326 -18 168 180"' in markup
    assert "greater trochanter" in markup
