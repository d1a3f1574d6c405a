"""Place spans repaired on the text's evidence (normalizer/pipeline/place_spans.py): a town's name
before a capitalized local noun in an untagged run ("Brackwell Police Chief Jo Marsh"), and a word
for a settlement NER took into a town's name ("[Brackwell City] Manager"), on our own sentences and
a small GeoNames dump of invented towns; NER's entities are set by hand on spacy.blank docs."""
import pytest

from .builders import annotate, world_normalizer

# id, name, alternate names, feature class, code, country, admin1, population
PLACES = [
    (9400001, "Brackwell", "", "P", "PPL", "US", "IL", 20_000),
    (9400002, "Vice", "", "P", "PPL", "PE", "20", 9_000),
    (9400003, "Metro", "", "P", "PPL", "ID", "08", 150_000),
    (9400004, "Oxley City", "", "P", "PPL", "US", "IA", 4_000),
    (9400005, "Oxley", "", "P", "PPL", "US", "OR", 2_000),
    (9400006, "Harbor", "", "P", "PPL", "US", "OR", 3_000),
    (9400007, "Dunmore", "Dunmore Town", "P", "PPL", "US", "IL", 5_000),
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


@pytest.mark.parametrize(
    "text, ent, places",
    [
        ("Brackwell City Manager Jo Marsh spoke.", "Brackwell City", [("Brackwell", "GPE", BRACKWELL)]),
        ("A Brackwell city official spoke.", "Brackwell city", [("Brackwell", "GPE", BRACKWELL)]),
        ("Oxley City Manager Jo Marsh spoke.", "Oxley City", [("Oxley City", "GPE", "geonames:9400004")]),
        ("Dunmore Town Manager Jo Marsh spoke.", "Dunmore Town", [("Dunmore Town", "GPE", "geonames:9400007")]),
        ("An office park in Harbor City opened.", "Harbor City", [("Harbor City", "GPE", None)]),
    ],
)
def test_a_settlement_word_ner_took_into_a_towns_name(normalizer, text, ent, places):
    found = [(t, label, canonical_id) for t, label, canonical_id in annotate(normalizer, text, [(ent, "GPE")])
             if label in ("GPE", "LOC", "FAC")]
    assert found == places


@pytest.mark.parametrize(
    "text, ent, label, places",
    [
        ("Troops entered Brackivka at dawn.", "Brackivka", "PERSON", [("Brackivka", "GPE", None)]),
        ("Shells fell on Dunmorivske overnight.", "Dunmorivske", "ORG", [("Dunmorivske", "GPE", None)]),
        ("Sgt. Brackivka led them.", "Brackivka", "PERSON", []),  # after a title: a person
        ("Brackivka's father, Oleh Brackivka, spoke.", "Brackivka", "PERSON", []),  # a person's name here
        ("Dan Bovka spoke.", "Bovka", "PERSON", []),  # too short to tell
    ],
)
def test_a_name_only_east_slavic_villages_have_is_a_place(normalizer, text, ent, label, places):
    ents = [(ent, label)] + ([("Oleh Brackivka", "PERSON")] if "Oleh" in text else [])
    found = [(t, lab, canonical_id) for t, lab, canonical_id in annotate(normalizer, text, ents)
             if lab in ("GPE", "LOC", "FAC")]
    assert found == places


def test_an_untagged_name_only_east_slavic_villages_have_is_a_place(normalizer):
    found = annotate(normalizer, "By noon Brackivka was quiet again.", [])
    assert [(t, label) for t, label, _ in found] == [("Brackivka", "GPE")]
