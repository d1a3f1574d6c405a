"""Untagged names in runs of capitalized words (normalizer/pipeline/place_spans.py): a town's name
before a capitalized local noun ("Brackwell Police Chief Jo Marsh"), on our own sentences and a small
GeoNames dump of invented towns; NER's entities are set by hand on spacy.blank docs (none here: the
names are untagged)."""
import pytest

from .builders import annotate, world_normalizer

# id, name, alternate names, feature class, code, country, admin1, population
PLACES = [
    (9400001, "Brackwell", "", "P", "PPL", "US", "IL", 20_000),
    (9400002, "Vice", "", "P", "PPL", "PE", "20", 9_000),
    (9400003, "Metro", "", "P", "PPL", "ID", "08", 150_000),
]
BRACKWELL = "geonames:9400001"


@pytest.fixture(scope="module")
def normalizer(tmp_path_factory):
    yield from world_normalizer(tmp_path_factory.mktemp("place_spans"), PLACES, "[]\n")


@pytest.mark.parametrize(
    "text, places",
    [
        ("The road was shut. Brackwell Police Chief Jo Marsh said so.", [("Brackwell", "GPE", BRACKWELL)]),
        ("On the radio, Brackwell Mayor Ann Lee spoke.", [("Brackwell", "GPE", BRACKWELL)]),
        ("Brackwell officers arrested two men.", [("Brackwell", "GPE", BRACKWELL)]),
        ("He thanked Vice Mayor Ann Lee.", []),  # "Vice" opens a title: no town of Peru
        ("Officers of the Metro Police came.", []),  # a kind of institution, not the town in Indonesia
        ("The Brackwell Chronicle Editor spoke.", []),  # no local noun in the run
    ],
)
def test_a_town_before_a_capitalized_local_noun(normalizer, text, places):
    found = [(t, label, canonical_id) for t, label, canonical_id in annotate(normalizer, text, [])
             if label in ("GPE", "LOC", "FAC")]
    assert found == places
