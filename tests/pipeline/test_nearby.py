"""Places NER took for people or organizations, told by the document's other places
(normalizer/pipeline/nearby.py), on our own sentences and a small GeoNames dump of invented towns.

Brackwell, Dunmore and the small Fenwick lie within a few tens of kilometres of each other; a bigger
Fenwick and Oxley lie far away. NER labels are set by hand on spacy.blank docs.
"""
import pytest
import spacy

from normalizer.world.distance import NEAR_KM, km

from .builders import world_normalizer

# id, name, alternate names, feature class, code, country, admin1, population, latitude, longitude
PLACES = [
    (9300001, "Brackwell", "", "P", "PPL", "US", "IL", 20_000, 40.00, -90.00),
    (9300002, "Dunmore", "", "P", "PPL", "US", "IL", 8_000, 40.10, -90.10),
    (9300003, "Fenwick", "", "P", "PPL", "US", "IL", 5_000, 40.20, -89.90),
    (9300004, "Fenwick", "", "P", "PPL", "US", "NC", 60_000, 35.00, -80.00),
    (9300005, "Oxley", "", "P", "PPL", "US", "OR", 9_000, 45.00, -120.00),
    (9300006, "Jackson", "", "P", "PPL", "US", "IL", 7_000, 40.05, -90.05),
    (9300007, "Union", "", "P", "PPL", "US", "IL", 6_000, 39.95, -90.05),
]
BRACKWELL, SMALL_FENWICK, OXLEY = "geonames:9300001", "geonames:9300003", "geonames:9300005"


@pytest.fixture(scope="module")
def normalizer(tmp_path_factory):
    yield from world_normalizer(tmp_path_factory.mktemp("nearby"), PLACES, "[]\n")


def spans(normalizer, text: str, ents: list[tuple[int, str]]) -> list[tuple]:
    """ents: (character offset, label) of one-or-more-word names, each up to the next space or period;
    the normalizer's entities as (text, label, kb id, why)."""
    doc = spacy.blank("en").make_doc(text)
    chosen = []
    for start, label in ents:
        end = start
        while end < len(text) and (text[end].isalpha() or (text[end] == " " and text[end + 1].isupper())):
            end += 1
        chosen.append(doc.char_span(start, end, label=label))
    doc.ents = chosen
    return [(e.text, e.label_, e.kb_id_ or None, tuple(e._.why or ())) for e in normalizer(doc).ents]


def at(text: str, name: str, nth: int = 0) -> int:
    """Where the ``nth`` occurrence of ``name`` starts in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return start


def test_the_invented_towns_lie_as_the_tests_need():
    assert km((40.0, -90.0), (40.2, -89.9)) < NEAR_KM < km((40.0, -90.0), (35.0, -80.0))


def test_a_town_near_the_documents_town_is_that_town_not_its_bigger_namesake(normalizer):
    text = "Brackwell firefighters helped. Fenwick sent two trucks."
    got = spans(normalizer, text, [(0, "GPE"), (at(text, "Fenwick"), "PERSON")])
    assert got == [("Brackwell", "GPE", BRACKWELL, ()), ("Fenwick", "GPE", SMALL_FENWICK, ("near",))]


def test_an_organization_that_is_a_near_town_is_that_town(normalizer):
    text = "Brackwell firefighters helped. Fenwick sent two trucks."
    got = spans(normalizer, text, [(0, "GPE"), (at(text, "Fenwick"), "ORG")])
    assert got[1] == ("Fenwick", "GPE", SMALL_FENWICK, ("near",))


def test_a_town_far_from_the_documents_towns_stays_as_ner_said(normalizer):
    text = "Brackwell firefighters helped. Oxley sent two trucks."
    got = spans(normalizer, text, [(0, "GPE"), (at(text, "Oxley"), "PERSON")])
    assert got[1] == ("Oxley", "PERSON", None, ())


def test_without_a_resolved_town_nothing_is_near(normalizer):
    text = "Dry weather again. Fenwick sent two trucks."
    assert spans(normalizer, text, [(at(text, "Fenwick"), "PERSON")]) == [("Fenwick", "PERSON", None, ())]


def test_the_same_name_resolved_as_a_place_elsewhere_decides(normalizer):
    # NER calls both a person's name; the first is a place by its preposition, the second by the first
    text = "Pools opened in Oxley on Monday. Oxley has two now."
    got = spans(normalizer, text, [(at(text, "Oxley"), "PERSON"), (at(text, "Oxley", 1), "PERSON")])
    assert got == [("Oxley", "GPE", OXLEY, ("prep",)), ("Oxley", "GPE", OXLEY, ("one-sense",))]


def test_the_same_name_does_not_decide_for_a_mention_that_reads_as_a_person(normalizer):
    text = "Pools opened in Oxley on Monday. Oxley said two more would follow."
    got = spans(normalizer, text, [(at(text, "Oxley"), "PERSON"), (at(text, "Oxley", 1), "PERSON")])
    assert got == [("Oxley", "GPE", OXLEY, ("prep",)), ("Oxley", "PERSON", None, ())]


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        # a reporting verb after it: the one who speaks
        ("Brackwell firefighters helped. Fenwick said two trucks came.", "Fenwick", "PERSON"),
        # the document names a person of that family name
        ("Brackwell firefighters helped, Jo Fenwick wrote. Fenwick sent two trucks.", "Fenwick", "PERSON"),
        # after a title
        ("Brackwell firefighters helped. Mayor Fenwick sent two trucks.", "Fenwick", "PERSON"),
        # a common person's name
        ("Brackwell firefighters helped. Jackson sent two trucks.", "Jackson", "PERSON"),
        # a word the document also writes in lower case
        ("Brackwell firefighters helped. Union sent two trucks, the union said.", "Union", "ORG"),
        # the short name of a longer organization's name
        ("Brackwell firefighters helped. Dunmore Fenwick hired. Fenwick sent two trucks.", "Fenwick", "ORG"),
    ],
)
def test_a_name_that_reads_as_a_persons_or_an_organizations_stays(normalizer, text, name, label):
    ents = [(0, "GPE")]
    if "Jo Fenwick" in text:
        ents.append((at(text, "Jo Fenwick"), "PERSON"))
    if "Dunmore Fenwick" in text:
        ents.append((at(text, "Dunmore Fenwick"), "ORG"))
    start = at(text, name, 1 if "Dunmore Fenwick" in text or "Jo Fenwick" in text else 0)
    ents.append((start, label))
    got = [s for s in spans(normalizer, text, ents) if s[0] == name]
    assert got == [(name, label, None, ())]
