"""Every fact of shared/guide-facts.md appears, in our words, on the guide page where it belongs."""

from __future__ import annotations

import re

import pytest

from tests.guide.conftest import html_to_text

# (fact, page slug, patterns that must all appear in that page's text)
FACTS: list[tuple[str, str, list[str]]] = [
    # What the muscle is
    (
        "smallest and deepest of the three gluteal muscles",
        "what-and-where",
        [r"smallest", r"deepest", r"gluteus maximus", r"gluteus medius", r"three"],
    ),
    (
        "lies under the gluteus medius, cannot be felt",
        "what-and-where",
        [r"gluteus medius covers it", r"cannot touch the gluteus minimus or feel it"],
    ),
    (
        "origin: outer surface of the iliac wing between anterior and inferior gluteal lines",
        "what-and-where",
        [r"iliac wing", r"outer face of this wing", r"anterior and the inferior gluteal lines"],
    ),
    (
        "insertion: front edge of the greater trochanter",
        "what-and-where",
        [r"greater trochanter", r"bony knob", r"front edge of that knob"],
    ),
    (
        "two portions, front and rear",
        "what-and-where",
        [r"front \(anterior\) portion", r"rear \(posterior\) portion", r"different jobs"],
    ),
    # Six functions
    (
        "anterior fibres: internal rotation",
        "what-it-does",
        [r"internal rotation", r"turning the thigh inward"],
    ),
    ("anterior fibres: hip flexion", "what-it-does", [r"hip flexion", r"bending the hip"]),
    ("posterior fibres: external rotation", "what-it-does", [r"external rotation", r"thigh outward"]),
    ("posterior fibres: hip extension", "what-it-does", [r"hip extension", r"straightening the hip"]),
    ("whole muscle: abduction", "what-it-does", [r"abduction", r"out to the side"]),
    (
        "whole muscle: pelvis level in one-leg stance",
        "what-it-does",
        [r"pelvis level when you stand on one leg", r"tipping down on the side of the lifted leg"],
    ),
    (
        "all six used in walking, so walking hurts",
        "what-it-does",
        [r"every step uses all six", r"walking can become painful"],
    ),
    # Symptoms
    ("local tenderness", "symptoms", [r"pain where the muscle is", r"tender"]),
    ("referred pain from trigger points", "symptoms", [r"trigger points", r"referred pain"]),
    (
        "front portion pattern",
        "symptoms",
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
        "symptoms",
        [
            r"rear \(posterior\) portion",
            r"just under the iliac crest",
            r"back of the buttock",
            r"back of the thigh",
            r"outer side of the knee hollow",
            r"top half of the calf",
        ],
    ),
    ("felt as sciatica", "symptoms", [r"sciatica"]),
    (
        "provoked at night lying on the affected side",
        "symptoms",
        [r"at night, lying on the painful side", r"body weight presses on the muscle"],
    ),
    ("provoked after long sitting", "symptoms", [r"after sitting for a long time"]),
    ("provoked standing up from a chair", "symptoms", [r"getting up from a chair"]),
    ("provoked walking, sometimes unbearably", "symptoms", [r"walking", r"unbearable"]),
    ("provoked standing on one leg", "symptoms", [r"standing on one leg"]),
    (
        "no pain-free position, distressing",
        "symptoms",
        [r"cannot find any way to sit, stand or lie that is free of pain", r"exhausting and frightening"],
    ),
    # Differential
    (
        "trochanteric bursitis: inflamed bursa outside the hip",
        "is-it-the-gluteus-minimus",
        [r"trochanteric bursitis", r"bursa", r"inflamed", r"outside of the hip"],
    ),
    (
        "lumbar radiculopathy: pinched nerve root, e.g. herniated disc",
        "is-it-the-gluteus-minimus",
        [r"lumbar radiculopathy", r"nerve root", r"herniated"],
    ),
    (
        "either needs a doctor (orthopaedist)",
        "is-it-the-gluteus-minimus",
        [r"need a doctor", r"orthopaedist"],
    ),
    (
        "look-alikes named next to the symptom description",
        "symptoms",
        [r"trochanteric bursitis", r"lumbar radiculopathy", r"need a doctor", r"orthopaedist"],
    ),
    # Causes
    (
        "overload in sport: changes of direction, one-leg stance",
        "causes",
        [r"overload", r"sport", r"changes of direction", r"on one leg"],
    ),
    ("overload: unaccustomed long walk or hike", "causes", [r"long walk or hike", r"not used to"]),
    ("underuse: long sitting, hip flexed", "causes", [r"sitting for hours", r"the hip is bent"]),
    (
        "sitting shortens front fibres and stretches rear fibres",
        "causes",
        [r"front fibres.{0,80}kept short", r"rear fibres.{0,80}on a stretch"],
    ),
    (
        "further triggers with their source",
        "causes",
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
    # Self-treatment
    (
        "show where to massage rather than find the muscle",
        "self-massage",
        [r"too deep to feel", r"do not need to find it"],
    ),
    (
        "tool: hard ball, not too large",
        "self-massage",
        [r"hard massage ball", r"fairly small", r"large or soft ball .{0,60}cannot reach"],
    ),
    (
        "hands only if strong, careful with fingers",
        "self-massage",
        [r"your hands, if they are strong", r"fingers or thumbs"],
    ),
    (
        "any technique works; strokes lying on the side, ball between body and floor",
        "self-massage",
        [
            r"any massage technique can help",
            r"lie on the floor on the side",
            r"between your body and the floor",
        ],
    ),
    (
        "area between greater trochanter and iliac crest",
        "self-massage",
        [r"iliac crest", r"greater trochanter", r"band between them"],
    ),
    ("anterior portion: toward the front", "self-massage", [r"for the front portion", r"toward the front"]),
    (
        "posterior portion: a little further back",
        "self-massage",
        [r"for the rear portion", r"a little further back"],
    ),
    (
        "gluteus medius massaged too, that is fine",
        "self-massage",
        [r"gluteus medius .{0,80}worked on too", r"that is fine"],
    ),
    (
        "how hard: uncomfortable but tolerable, no bruising",
        "self-massage",
        [r"uncomfortable but easy to bear", r"never leave a bruise"],
    ),
    (
        "how long and how often: short sessions, repeated",
        "self-massage",
        [r"keep sessions short", r"repeat them over the day"],
    ),
    ("stop if pain sharpens or radiates", "self-massage", [r"becomes sharp", r"spread down your leg"]),
    (
        "when not to massage",
        "self-massage",
        [r"after an injury", r"inflamed", r"thins the blood", r"damaged or irritated skin"],
    ),
    # Habits
    ("break up long sitting", "everyday-habits", [r"break up long sitting", r"get up regularly"]),
    ("not sleeping on the sore side", "everyday-habits", [r"does not press on the painful muscle"]),
    ("pillow between the knees", "everyday-habits", [r"pillow between your knees"]),
    ("gentle stretches", "everyday-habits", [r"gentle stretches", r"never bounce"]),
    ("return to walking or sport gradually", "everyday-habits", [r"build up step by step", r"in sport"]),
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
