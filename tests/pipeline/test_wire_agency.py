"""The agency of a wire dateline (normalizer/pipeline/agencies.py), on our own sentences.

A small GeoNames dump and a small gazetteer of our own; NER labels are set by hand on spacy.blank docs.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.pipeline import agencies
from normalizer.pipeline.agencies import agency_ranges

from .builders import annotate, world_normalizer

# id, name, feature class, code, country, admin1, population
PLACES = [
    (9200001, "Norway", "A", "PCLI", "NO", "00", 5_400_000),
    (9200002, "Oslo", "P", "PPLC", "NO", "12", 580_000),
    (9200003, "Spain", "A", "PCLI", "ES", "00", 47_000_000),
    (9200004, "Madrid", "P", "PPLC", "ES", "29", 3_200_000),
    (9200005, "Varnholt", "P", "PPL", "US", "IL", 3_100),
    (9200006, "Illinois", "A", "ADM1", "US", "IL", 12_600_000),
]
GAZETTEER = """
- id: org:tidewire
  name: Tidewire
  type: organization
- id: org:nordwire
  name: Nordwire News Agency
  type: organization
  variants: [Nordwire]
"""
OSLO, MADRID, VARNHOLT = "geonames:9200002", "geonames:9200004", "geonames:9200005"


@pytest.fixture(scope="module")
def normalizer(tmp_path_factory):
    places = [(gid, name, "", *rest) for gid, name, *rest in PLACES]
    yield from world_normalizer(tmp_path_factory.mktemp("agencies"), places, GAZETTEER)


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # between slashes, after the date; the place in capitals stays the dateline's place
        ("VARNHOLT, July 11. /Tidewire/. Crews cleared the road.", [],
         [("VARNHOLT", "GPE", VARNHOLT), ("Tidewire", "ORG", "org:tidewire")]),
        ("Oslo, Jul 3 /Nordwire/ - Talks resumed on Friday.", [("Oslo", "GPE")],
         [("Oslo", "GPE", OSLO), ("Nordwire", "ORG", "org:nordwire")]),
        # an agency the gazetteer lacks is an organization without an id
        ("MADRID, Sept. 9 /Kestrel Press/ - Rates rose.", [],
         [("MADRID", "GPE", MADRID), ("Kestrel Press", "ORG", None)]),
        # NER's span over the slashes, with the wrong label
        ("MADRID, May 2 /Tidewire/. Rates rose.", [("/Tidewire/.", "PERSON")],
         [("MADRID", "GPE", MADRID), ("Tidewire", "ORG", "org:tidewire")]),
        # in parentheses, with or without the date, then a dash or a colon
        ("OSLO (Kestrel) — Markets fell sharply.", [],
         [("OSLO", "GPE", OSLO), ("Kestrel", "ORG", None)]),
        ("VARNHOLT, Ill., March 3 (Kestrel Press) -- A barn burned.", [("Ill.", "GPE")],
         [("VARNHOLT", "GPE", VARNHOLT), ("Ill.", "GPE", "geonames:9200006"), ("Kestrel Press", "ORG", None)]),
        ("Madrid (Tidewire): Rates rose.", [("Madrid", "GPE")],
         [("Madrid", "GPE", MADRID), ("Tidewire", "ORG", "org:tidewire")]),
        # NER had it already: nothing changes
        ("OSLO (Kestrel) - Markets fell.", [("Kestrel", "ORG")], [("OSLO", "GPE", OSLO), ("Kestrel", "ORG", None)]),
        # a later paragraph's dateline
        ("Markets fell.\nOSLO (Kestrel) - Shares slid.", [], [("OSLO", "GPE", OSLO), ("Kestrel", "ORG", None)]),
        # the acronym bare after a comma, then a dash, maybe after the date
        ("Oslo, NWA- Talks resumed on Friday.", [("Oslo", "GPE")], [("Oslo", "GPE", OSLO), ("NWA", "ORG", None)]),
        ("Madrid, May 2, KPA – Rates rose.", [("Madrid", "GPE")], [("Madrid", "GPE", MADRID), ("KPA", "ORG", None)]),
    ],
)
def test_wire_agencies(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # a state in parentheses is no agency
        ("VARNHOLT (Ill.) - The fair opened.", [], [("VARNHOLT", "GPE", VARNHOLT)]),
        # no dash, colon or period after the parentheses
        ("OSLO (Kestrel) reported rain.", [], [("OSLO", "GPE", OSLO)]),
        # not a place: a person with a note in parentheses, a heading in capitals
        ("Jane Roe (Kestrel) - a critic - spoke.", [], []),
        ("SPECIAL REPORT (Kestrel) - Crews worked.", [], []),
        ("Jane Roe, Author (Kestrel) - Crews worked.", [], []),
        # not a date, not a name
        ("OSLO, Gate 4 (Kestrel) - Boarding.", [], [("OSLO", "GPE", OSLO)]),
        ("OSLO (UPDATE 2) - Markets fell.", [], [("OSLO", "GPE", OSLO)]),
        # inside a sentence
        ("The fund, said Oslo (Kestrel) - wrongly.", [], [("Oslo", "GPE", OSLO)]),  # a capital, no agency
        ("Prices fell 3/4 of a point /Kestrel/.", [], []),
        # slashes between words, and slashes with no dash or period after them
        ("NEWS/SPORTS: Varnholt League/Cup games resume.", [], []),
        ("OSLO, May 2 /Kestrel/ Markets fell.", [], [("OSLO", "GPE", OSLO)]),
        # a bare acronym: no dash after it, a state's abbreviation, not after a place
        ("Oslo, NWA said talks resumed.", [("Oslo", "GPE")], [("Oslo", "GPE", OSLO)]),
        ("Varnholt, IL - The fair opened.", [("Varnholt", "GPE")], [("Varnholt", "GPE", VARNHOLT)]),
        ("Jane Roe, NWA - a critic - spoke.", [], []),
    ],
)
def test_not_wire_agencies(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


def test_agency_ranges_are_the_name_alone(normalizer):
    text = "OSLO, Jul 3 / Kestrel Press / - Talks resumed."
    assert [text[a:b] for a, b in agency_ranges(text, normalizer.resolver)] == ["Kestrel Press"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["OSLO", "Oslo", " ", "(Acme)", "(Acme", ")", "/Acme/", "/", " -", "-", " --", ":", ".",
                                 " —", ", Pa.", " July 4", "\n", ". ", ",", " ACME", "ACME", " Jul. 3,", "&"]),
                max_size=10).map("".join))
def test_the_hints_hold_wherever_the_full_patterns_match(text):
    """A text without the hint is skipped: every match of the full pattern holds it, with the space a bare
    dateline's dash looks ahead to (a dateline's agency closed and a dash; a bare agency after a comma and a
    dash; a legislator's party letter, a hyphen and a capital)."""
    from normalizer.pipeline import agencies, place_spans

    text += " D-Ore. R-Ashby I-"
    for pattern, hint in ((agencies._DATELINE, agencies._DATELINE_HINT),
                          (agencies._BARE_DATELINE, agencies._BARE_HINT),
                          (place_spans._PARTY_STATE, place_spans._PARTY_HINT)):
        for m in pattern.finditer(text):
            assert hint.search(text[m.start() : m.end() + 1])


def test_the_bare_hint_finds_a_bare_dateline():
    text = "Kestrel, ACME- Talks resumed. Kestrel, Jul. 3, ACME — Talks resumed."
    assert [m.group("bare") for m in agencies._BARE_DATELINE.finditer(text)] == ["ACME", "ACME"]
    assert agencies._read_datelines(text)[0] and not agencies._read_datelines("NATO - a word.")[0]
