"""Place evidence for names NER mislabeled or missed (normalizer/pipeline/toponyms.py), on our own sentences.

A small GeoNames dump with invented towns; NER labels are set by hand on spacy.blank docs.
"""
import pytest
import spacy

from normalizer.pipeline import toponyms
from normalizer.pipeline.component import EntityNormalizer
from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.records import doc_records
from normalizer.world.dump import import_geonames_dump
from normalizer.world.index import GeoNamesIndex

from ..conftest import GEONAMES

# id, name, lat, lon, feature class, code, country, admin1, population
TOWNS = [
    (6252001, "United States", 39.76, -98.5, "A", "PCLI", "US", "00", 327167434),
    (4896861, "Illinois", 40.0, -89.25, "A", "ADM1", "US", "IL", 12671821),
    (4250542, "Springfield", 39.80, -89.64, "P", "PPLA", "US", "IL", 114394),
    (9000001, "Cedar Bend", 40.10, -88.90, "P", "PPL", "US", "IL", 2400),
    (9000002, "Marion", 37.73, -88.93, "P", "PPL", "US", "IL", 17000),
    (9000003, "Maple Falls", 41.20, -89.40, "P", "PPL", "US", "IL", 900),
    (9000004, "March", 52.55, 0.09, "P", "PPL", "GB", "ENG", 22000),
]


@pytest.fixture(scope="module")
def normalizer(tmp_path_factory, mini_gazetteer):
    folder = tmp_path_factory.mktemp("toponyms")
    rows = [
        "\t".join(map(str, (gid, name, name, "", lat, lon, fclass, code, cc, "", admin1, "", "", "", pop,
                            "", "", "", "2024-01-01")))
        for gid, name, lat, lon, fclass, code, cc, admin1, pop in TOWNS
    ]
    (folder / "allCountries.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    files = [folder / "allCountries.txt", GEONAMES / "admin1CodesASCII.txt", GEONAMES / "countryInfo.txt"]
    out = folder / "world.sqlite"
    import_geonames_dump(files, out=out)
    with GeoNamesIndex.open(index_path=out) as index:
        yield EntityNormalizer(spacy.blank("en"), gazetteer=mini_gazetteer, world_index=index)


def annotate(normalizer, text, ents):
    """ents: (substring, label, occurrence) with occurrence counted from 0."""
    doc = spacy.blank("en").make_doc(text)
    spans = []
    for substring, label, *nth in ents:
        start = -1
        for _ in range((nth[0] if nth else 0) + 1):
            start = text.index(substring, start + 1)
        spans.append(doc.char_span(start, start + len(substring), label=label))
    doc.ents = spans
    return [(r["text"], r["label"], r["id"]) for r in doc_records(normalizer(doc))]


CEDAR, MARION, MAPLE, ILLINOIS = "geonames:9000001", "geonames:9000002", "geonames:9000003", "geonames:4896861"


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # "City, State"
        ("Maple Falls, Ill., opened a library.", [("Maple Falls", "PERSON"), ("Ill.", "GPE")],
         [("Maple Falls", "GPE", MAPLE), ("Ill.", "GPE", ILLINOIS)]),
        # a locative preposition
        ("The fair moved to a field near Cedar Bend last year.", [("Cedar Bend", "PERSON")],
         [("Cedar Bend", "GPE", CEDAR)]),
        # one label per discourse
        ("Cedar Bend approved a budget. Cedar Bend is growing fast.",
         [("Cedar Bend", "PERSON"), ("Cedar Bend", "GPE", 1)],
         [("Cedar Bend", "GPE", CEDAR), ("Cedar Bend", "GPE", CEDAR)]),
        # a local noun after it
        ("Cedar Bend police closed the bridge.", [("Cedar Bend", "ORG")], [("Cedar Bend", "GPE", CEDAR)]),
        # a list ending in a plural place noun
        ("Officials from Cedar Bend and Marion counties met.", [("Marion", "PERSON")],
         [("Cedar Bend", "GPE", CEDAR), ("Marion", "GPE", MARION)]),
        # residence after a person's name
        ("Jane Roe, 41, of Marion, was charged.", [("Jane Roe", "PERSON"), ("Marion", "PERSON")],
         [("Jane Roe", "PERSON", None), ("Marion", "GPE", MARION)]),
        # "the village of ..."
        ("The village of Cedar Bend voted.", [("Cedar Bend", "ORG")], [("Cedar Bend", "GPE", CEDAR)]),
        # a motion preposition, but not "according to"
        ("The team flew to Marion on Friday.", [("Marion", "PERSON")], [("Marion", "GPE", MARION)]),
        ("The delay was worse, according to Marion.", [("Marion", "PERSON")], [("Marion", "PERSON", None)]),
        # coordinated with a place
        ("Storms hit Springfield and Marion overnight.", [("Springfield", "GPE"), ("Marion", "PERSON")],
         [("Springfield", "GPE", "geonames:4250542"), ("Marion", "GPE", MARION)]),
        # no evidence: NER's label stands
        ("Marion thanked the volunteers.", [("Marion", "PERSON")], [("Marion", "PERSON", None)]),
        # the speaker of "said" is no place, nor a name the document gives a person
        ("Voters in Marion said yes.", [("Marion", "PERSON")], [("Marion", "PERSON", None)]),
        ("Frank Marion joined the council. Marion family members came.",
         [("Frank Marion", "PERSON"), ("Marion", "PERSON", 1)],
         [("Frank Marion", "PERSON", None), ("Marion", "PERSON", None)]),
    ],
)
def test_mislabeled_places(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # names NER did not tag at all, with the same evidence
        ("A bridge near Cedar Bend reopened.", [], [("Cedar Bend", "GPE", CEDAR)]),
        ("Maple Falls police said the road is open.", [], [("Maple Falls", "GPE", MAPLE)]),
        # ... never another entity's words (a date), never part of a hyphenated name
        ("The plan was approved in March.", [("March", "DATE")], []),
        ("The Smith-Marion report is due.", [], []),
        # datelines in capitals
        ("CEDAR BEND, Ill. (AP) — Crews worked overnight.", [("Ill.", "GPE")],
         [("CEDAR BEND", "GPE", CEDAR), ("Ill.", "GPE", ILLINOIS)]),
        ("Budget passes. MAPLE FALLS — The council met on Monday.", [], [("MAPLE FALLS", "GPE", MAPLE)]),
        ("MARION: A fire destroyed a barn.", [("MARION", "ORG")], [("MARION", "GPE", MARION)]),
        ("NOTICE — The office is closed.", [], []),
        ("The sign read MAPLE FALLS — slow down.", [], []),
        # a legislator's state or home town after the party letter
        ("Rep. Jane Roe, D-Ill., voted no.", [("Jane Roe", "PERSON")],
         [("Jane Roe", "PERSON", None), ("Ill.", "GPE", ILLINOIS)]),
        ("Sen. John Roe (R-Cedar Bend) voted yes.", [("John Roe", "PERSON")],
         [("John Roe", "PERSON", None), ("Cedar Bend", "GPE", CEDAR)]),
    ],
)
def test_missed_places(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


@pytest.mark.parametrize(
    "text, start, end, expected",
    [
        ("Voters in Marion chose.", 2, 3, True),
        ("Sen. Marion spoke in May.", 1, 2, False),  # after a title
        ("Marion said no.", 0, 1, False),  # a speaker
        ("The SEC in Washington.", 1, 2, False),  # an acronym
    ],
)
def test_candidate_guards(text, start, end, expected):
    doc = spacy.blank("en")(text)
    assert toponyms.candidate(doc, start, end, set()) is expected


def test_person_name_parts():
    doc = spacy.blank("en")("Andrew Jackson spoke to Jackson.")
    doc.ents = [doc.char_span(0, 14, label="PERSON")]
    assert DocumentFacts(doc).person_parts == {"andrew", "jackson"}
