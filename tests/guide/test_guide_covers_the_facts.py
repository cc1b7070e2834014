"""Every fact of shared/guide-facts.md appears, in our words, on the guide page where it belongs."""

from __future__ import annotations

import re

import pytest

from tests.guide.conftest import html_to_text

# The facts page by page: (fact, patterns that must all appear in that page's text).
FACTS_BY_PAGE: dict[str, list[tuple[str, list[str]]]] = {
    "what-and-where": [
        (
            "smallest and deepest of the three gluteal muscles",
            [r"smallest", r"deepest", r"gluteus maximus", r"gluteus medius", r"three"],
        ),
        (
            "lies under the gluteus medius, cannot be felt",
            [r"gluteus medius covers it", r"cannot touch the gluteus minimus or feel it"],
        ),
        (
            "origin: outer surface of the iliac wing between anterior and inferior gluteal lines",
            [r"iliac wing", r"outer face of this wing", r"anterior and the inferior gluteal lines"],
        ),
        (
            "insertion: front edge of the greater trochanter",
            [r"greater trochanter", r"bony knob", r"front edge of that knob"],
        ),
        (
            "two portions, front and rear",
            [r"front \(anterior\) portion", r"rear \(posterior\) portion", r"different jobs"],
        ),
    ],
    "what-it-does": [
        ("anterior fibres: internal rotation", [r"internal rotation", r"turning the thigh inward"]),
        ("anterior fibres: hip flexion", [r"hip flexion", r"bending the hip"]),
        ("posterior fibres: external rotation", [r"external rotation", r"thigh outward"]),
        ("posterior fibres: hip extension", [r"hip extension", r"straightening the hip"]),
        ("whole muscle: abduction", [r"abduction", r"out to the side"]),
        (
            "whole muscle: pelvis level in one-leg stance",
            [r"pelvis level when you stand on one leg", r"tipping down on the side of the lifted leg"],
        ),
        (
            "all six used in walking, so walking hurts",
            [r"every step uses all six", r"walking can become painful"],
        ),
    ],
    "symptoms": [
        ("local tenderness", [r"pain where the muscle is", r"tender"]),
        ("referred pain from trigger points", [r"trigger points", r"referred pain"]),
        (
            "front portion pattern",
            [
                r"front \(anterior\) portion",
                r"lower, back part of the buttock",
                r"outer thigh",
                r"outer side of the lower leg",
                r"as far as the ankle",
                r"into the foot, but that is uncommon",
            ],
        ),
        (
            "rear portion pattern",
            [
                r"rear \(posterior\) portion",
                r"just under the iliac crest",
                r"back of the buttock",
                r"back of the thigh",
                r"outer side of the knee hollow",
                r"top half of the calf",
            ],
        ),
        ("felt as sciatica", [r"sciatica"]),
        (
            "provoked at night lying on the affected side",
            [r"at night, lying on the painful side", r"body weight presses on the muscle"],
        ),
        ("provoked after long sitting", [r"after sitting for a long time"]),
        ("provoked standing up from a chair", [r"getting up from a chair"]),
        ("provoked walking, sometimes unbearably", [r"walking", r"unbearable"]),
        ("provoked standing on one leg", [r"standing on one leg"]),
        (
            "no pain-free position, distressing",
            [r"cannot find any way to sit, stand or lie that is free of pain", r"exhausting and frightening"],
        ),
        (
            "look-alikes named next to the symptom description",
            [r"trochanteric bursitis", r"lumbar radiculopathy", r"need a doctor", r"orthopaedist"],
        ),
    ],
    "is-it-the-gluteus-minimus": [
        (
            "trochanteric bursitis: inflamed bursa outside the hip",
            [r"trochanteric bursitis", r"bursa", r"inflamed", r"outside of the hip"],
        ),
        (
            "lumbar radiculopathy: pinched nerve root, e.g. herniated disc",
            [r"lumbar radiculopathy", r"nerve root", r"herniated"],
        ),
        ("either needs a doctor (orthopaedist)", [r"need a doctor", r"orthopaedist"]),
    ],
    "causes": [
        (
            "overload in sport: changes of direction, one-leg stance",
            [r"overload", r"sport", r"changes of direction", r"on one leg"],
        ),
        ("overload: unaccustomed long walk or hike", [r"long walk or hike", r"not used to"]),
        ("underuse: long sitting, hip flexed", [r"sitting for hours", r"the hip is bent"]),
        (
            "sitting shortens front fibres and stretches rear fibres",
            [r"front fibres.{0,80}kept short", r"rear fibres.{0,80}on a stretch"],
        ),
        (
            "further triggers with their source",
            [
                r"travell & simons",
                r"a fall",
                r"sudden heavy strain",
                r"limping",
                r"ankle or foot",
                r"staying still for a long time",
                r"one leg being longer than the other",
                r"sacroiliac joint",
                r"injections given into the buttock",
            ],
        ),
    ],
    "self-massage": [
        (
            "show where to massage rather than find the muscle",
            [r"too deep to feel", r"do not need to find it"],
        ),
        (
            "tool: hard ball, not too large",
            [r"hard massage ball", r"fairly small", r"large or soft ball .{0,60}cannot reach"],
        ),
        (
            "hands only if strong, careful with fingers",
            [r"your hands, if they are strong", r"fingers or thumbs"],
        ),
        (
            "any technique works; strokes lying on the side, ball between body and floor",
            [
                r"any massage technique can help",
                r"lie on the floor on the side",
                r"between your body and the floor",
            ],
        ),
        (
            "area between greater trochanter and iliac crest",
            [r"iliac crest", r"greater trochanter", r"band between them"],
        ),
        ("anterior portion: toward the front", [r"for the front portion", r"toward the front"]),
        ("posterior portion: a little further back", [r"for the rear portion", r"a little further back"]),
        (
            "gluteus medius massaged too, that is fine",
            [r"gluteus medius .{0,80}worked on too", r"that is fine"],
        ),
        (
            "how hard: uncomfortable but tolerable, no bruising",
            [r"uncomfortable but easy to bear", r"never leave a bruise"],
        ),
        (
            "how long and how often: short sessions, repeated",
            [r"keep sessions short", r"repeat them over the day"],
        ),
        ("stop if pain sharpens or radiates", [r"becomes sharp", r"spread down your leg"]),
        (
            "when not to massage",
            [r"after an injury", r"inflamed", r"thins the blood", r"damaged or irritated skin"],
        ),
    ],
    "everyday-habits": [
        ("break up long sitting", [r"break up long sitting", r"get up regularly"]),
        ("not sleeping on the sore side", [r"does not press on the painful muscle"]),
        ("pillow between the knees", [r"pillow between your knees"]),
        ("gentle stretches", [r"gentle stretches", r"never bounce"]),
        ("return to walking or sport gradually", [r"build up step by step", r"in sport"]),
    ],
}
FACTS: list[tuple[str, str, list[str]]] = [
    (fact, slug, patterns) for slug, facts in FACTS_BY_PAGE.items() for fact, patterns in facts
]

RED_FLAGS: list[tuple[str, str]] = [
    ("spreading numbness or tingling", r"numbness or tingling that is spreading"),
    ("weakness of the leg or foot (foot drop)", r"weakness in the leg or foot.{0,80}foot drop"),
    ("loss of bladder or bowel control (emergency)", r"bladder or bowel"),
    ("saddle numbness (emergency)", r"numbness in the saddle area"),
    ("emergency wording", r"is an emergency"),
    ("fever", r"fever"),
    ("pain after a fall or accident", r"after a fall or an accident"),
    ("night pain not changing with position", r"at night that stays the same however you change position"),
    ("unexplained weight loss", r"weight loss you cannot explain"),
]


@pytest.mark.parametrize(("fact", "slug", "patterns"), FACTS, ids=[fact for fact, _, _ in FACTS])
def test_the_guide_states_the_fact(guide_text, fact, slug, patterns):
    text = guide_text[slug]
    missing = [pattern for pattern in patterns if not re.search(pattern, text)]
    assert not missing, f"{fact!r} not found on /guide/{slug}/: {missing}"


def test_each_function_sits_under_the_fibres_that_do_it(guide_text):
    text = guide_text["what-it-does"]
    order = [
        "the front (anterior) fibres",
        "internal rotation",
        "hip flexion",
        "the rear (posterior) fibres",
        "external rotation",
        "hip extension",
        "the whole muscle",
        "abduction",
        "pelvis level",
    ]
    # Headings come in this order, and each function is named under its own heading.
    headings = [text.index(heading) for heading in order[0::3]]
    assert headings == sorted(headings)
    sections = [text[start:end] for start, end in zip(headings, [*headings[1:], len(text)], strict=True)]
    for section, functions in zip(sections, [order[1:3], order[4:6], order[7:9]], strict=True):
        assert all(function in section for function in functions), functions


@pytest.mark.parametrize(("flag", "pattern"), RED_FLAGS, ids=[flag for flag, _ in RED_FLAGS])
def test_red_flag_is_in_the_prominent_see_a_doctor_section(guide_html, flag, pattern):
    page = guide_html["is-it-the-gluteus-minimus"]
    section = re.search(r'<section class="callout danger" id="red-flags">.*?</section>', page, re.S)
    assert section, "the red-flag section is missing or not shown as a danger call-out"
    assert re.search(pattern, html_to_text(section.group(0)).lower()), flag


def test_red_flags_come_before_the_look_alikes(guide_text):
    text = guide_text["is-it-the-gluteus-minimus"]
    assert text.index("see a doctor promptly") < text.index("two common look-alikes")


def test_the_fact_list_covers_every_section_of_the_facts_file():
    from tests.guide.conftest import facts_text

    headings = re.findall(r"^## (.+)$", facts_text(), re.M)
    # Each heading of the facts file (bar the journal vocabulary, which lives in code) has facts here.
    covered = {
        "What the muscle is": "what-and-where",
        "What it does (six functions)": "what-it-does",
        "Symptoms": "symptoms",
        "Not every such pain is the gluteus minimus (differential)": "is-it-the-gluteus-minimus",
        "Causes": "causes",
        "Self-treatment": "self-massage",
        "Journal vocabulary that follows from these facts": None,
    }
    assert set(headings) == set(covered)
    slugs_with_facts = {slug for _, slug, _ in FACTS}
    assert {slug for slug in covered.values() if slug} <= slugs_with_facts
