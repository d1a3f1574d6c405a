"""Names inside hyphenated compounds (normalizer/pipeline/compounds.py), on our own sentences.

A small GeoNames dump and a small gazetteer of our own; NER labels are set by hand on spacy.blank docs.
"""
import pytest
import spacy

from normalizer.pipeline import compounds
from normalizer.pipeline.glued import split_at

from .builders import annotate, world_normalizer

# id, name, alternate names, feature class, code, country, admin1, population
PLACES = [
    (9100001, "Portugal", "", "A", "PCLI", "PT", "00", 10_300_000),
    (9100002, "Lisbon", "", "P", "PPLC", "PT", "14", 517_000),
    (9100003, "Spain", "", "A", "PCLI", "ES", "00", 47_000_000),
    (9100004, "Madrid", "", "P", "PPLC", "ES", "29", 3_200_000),
    (9100005, "Italy", "", "A", "PCLI", "IT", "00", 59_000_000),
    (9100006, "Rome", "", "P", "PPLC", "IT", "07", 2_300_000),
    (9100007, "Norway", "", "A", "PCLI", "NO", "00", 5_400_000),
    (9100008, "Oslo", "", "P", "PPLC", "NO", "12", 580_000),
    (9100009, "Guinea", "", "A", "PCLI", "GN", "00", 13_000_000),
    (9100010, "Guinea-Bissau", "", "A", "PCLI", "GW", "00", 2_000_000),
    (9100011, "Bissau", "", "P", "PPLC", "GW", "11", 390_000),
    (9100012, "Bosnia and Herzegovina", "Bosnia-Herzegovina", "A", "PCLI", "BA", "00", 3_300_000),
    (9100013, "Bosnia", "", "P", "PPL", "BA", "01", 900_000),  # a namesake, to tempt a split
    (9100014, "Herzegovina", "", "P", "PPL", "BA", "01", 800_000),
    (9100015, "Varnholt", "", "P", "PPL", "US", "IL", 3_100),  # a small town
    (9100016, "Jean", "", "P", "PPL", "US", "NV", 150_000),  # given names that are also places
    (9100017, "Pierre", "", "P", "PPLA", "US", "SD", 140_000),
    (9100018, "New York", "", "P", "PPL", "US", "NY", 8_300_000),
    (9100019, "York", "", "P", "PPL", "GB", "ENG", 150_000),
    (9100020, "Stratford-upon-Avon", "", "P", "PPL", "GB", "ENG", 27_000),
    (9100021, "Avon", "", "P", "PPL", "US", "OH", 200_000),
    (9100022, "Chung", "", "P", "PPL", "KR", "11", 120_000),
]
GAZETTEER = """
- id: org:corvane
  name: Corvane
  type: organization
- id: org:dunmore-halley
  name: Dunmore-Halley
  type: organization
- id: person:tomas-velk
  name: Tomas Velk
  type: person
  variants: [Velk]
- id: place:united-states
  name: United States
  type: country
  country: US
  variants:
    - {name: U.S., kind: abbreviation}
"""
LISBON, MADRID, ROME, OSLO = "geonames:9100002", "geonames:9100004", "geonames:9100006", "geonames:9100008"


@pytest.fixture(scope="module")
def normalizer(tmp_path_factory):
    yield from world_normalizer(tmp_path_factory.mktemp("compounds"), PLACES, GAZETTEER)


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # a prefix: the name after it, with or without NER's span over the whole compound
        ("Protesters marched against the pro-Lisbon faction.", [], [("Lisbon", "GPE", LISBON)]),
        ("Protesters marched against the pro-Lisbon faction.", [("pro-Lisbon", "NORP")], [("Lisbon", "GPE", LISBON)]),
        ("Anti-Madrid slogans covered the walls.", [], [("Madrid", "GPE", MADRID)]),  # it opens the sentence
        ("Two ex-Corvane officers spoke.", [], [("Corvane", "ORG", "org:corvane")]),
        ("They staged anti-Velk rallies.", [("anti-Velk", "ORG")], [("Velk", "PERSON", "person:tomas-velk")]),
        # two names: a route or a pair
        ("The Madrid-Rome flight was late.", [], [("Madrid", "GPE", MADRID), ("Rome", "GPE", ROME)]),
        ("The Madrid-Rome flight was late.", [("Madrid-Rome", "ORG")],
         [("Madrid", "GPE", MADRID), ("Rome", "GPE", ROME)]),
        ("Lisbon-Oslo-Rome trains run daily.", [],
         [("Lisbon", "GPE", LISBON), ("Oslo", "GPE", OSLO), ("Rome", "GPE", ROME)]),
        # a suffix: who acts (a known organization, or a prominent place) ...
        ("Corvane-backed militias shelled the port.", [("Corvane-backed", "ORG")],
         [("Corvane", "ORG", "org:corvane")]),
        ("Rome-allied parties lost seats.", [], [("Rome", "GPE", ROME)]),
        ("Varnholt-backed candidates lost.", [], []),  # a small town backs nobody
        # ... or where (any place by its very name)
        ("An Oslo-based shipping firm hired him.", [], [("Oslo", "GPE", OSLO)]),
        ("A Varnholt-based farm was sold.", [], [("Varnholt", "GPE", "geonames:9100015")]),
        ("The Lisbon-born singer returned.", [("Lisbon-born", "GPE")], [("Lisbon", "GPE", LISBON)]),
        # the name runs over the words before it when together they are a name
        ("The New York-based fund closed.", [], [("New York", "GPE", "geonames:9100018")]),
        ("The Lisbon-New York route reopened.", [],
         [("Lisbon", "GPE", LISBON), ("New York", "GPE", "geonames:9100018")]),
        ("Storms delayed Madrid-Rome\nTrains run again.", [], [("Madrid", "GPE", MADRID), ("Rome", "GPE", ROME)]),
        # NER's words outside the compound stay a mention of their own
        ("Oslo-based Kestrel Lab filed suit.", [("Oslo-based Kestrel Lab", "ORG")],
         [("Oslo", "GPE", OSLO), ("Kestrel Lab", "ORG", None)]),
        # an unknown name after a prefix keeps NER's label, without the prefix
        ("Crowds cheered the pro-Halvard bloc.", [("pro-Halvard", "PERSON")], [("Halvard", "PERSON", None)]),
        # a token the tokenizer keeps whole is split for the name in it
        ("U.S.-led forces landed.", [("U.S.-led", "GPE")], [("U.S.", "GPE", "place:united-states")]),
        ("U.S.-led forces landed.", [], [("U.S.", "GPE", "place:united-states")]),
    ],
)
def test_names_inside_compounds(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # a compound that is a name as a whole stays whole (world layer, alternate name, gazetteer)
        ("Guinea-Bissau voted.", [("Guinea-Bissau", "GPE")], [("Guinea-Bissau", "GPE", "geonames:9100010")]),
        ("Flights to Bosnia-Herzegovina resumed.", [("Bosnia-Herzegovina", "GPE")],
         [("Bosnia-Herzegovina", "GPE", "geonames:9100012")]),
        ("Dunmore-Halley shares rose.", [("Dunmore-Halley", "ORG")], [("Dunmore-Halley", "ORG", "org:dunmore-halley")]),
        ("Dunmore-Halley shares rose.", [], [("Dunmore-Halley", "ORG", "org:dunmore-halley")]),
        # lower-case words inside: a name ("-upon-"), or no name at all
        ("A Stratford-upon-Avon school won.", [("Stratford-upon-Avon", "GPE")],
         [("Stratford-upon-Avon", "GPE", "geonames:9100020")]),
        ("Park Chung-hee ruled for years.", [("Park Chung-hee", "PERSON")], [("Park Chung-hee", "PERSON", None)]),
        ("A well-known singer sang.", [], []),
        ("New COVID-19 rules apply.", [], []),
        # a person's given names, and names next to capitalized words, are one name
        ("Jean-Pierre thanked the crew.", [("Jean-Pierre", "PERSON")], [("Jean-Pierre", "PERSON", None)]),
        ("Jean-Pierre Lanvin thanked the crew.", [("Jean-Pierre Lanvin", "PERSON")],
         [("Jean-Pierre Lanvin", "PERSON", None)]),
        ("The Madrid-Rome Express was late.", [("Madrid-Rome Express", "ORG")],
         [("Madrid-Rome Express", "ORG", None)]),
        # a capitalized prefix inside a sentence is part of a name
        ("She joined the Pro-Lisbon Alliance.", [("Pro-Lisbon Alliance", "ORG")],
         [("Pro-Lisbon Alliance", "ORG", None)]),
        # no name known, and NER's span runs beyond the compound: a name that holds it
        ("They left the trans-Halvard Pact.", [("trans-Halvard Pact", "ORG")], [("trans-Halvard Pact", "ORG", None)]),
        # a pair needs every name known ("Halvard" is nobody's)
        ("The Halvard-Rome deal held.", [], []),
    ],
)
def test_compounds_left_alone(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


@pytest.mark.parametrize(
    "written, position, count, opens, kind",
    [
        ("pro", 0, 2, False, compounds.PREFIX),
        ("Pro", 0, 2, True, compounds.PREFIX),
        ("Pro", 0, 2, False, compounds.NAME),
        ("based", 1, 2, False, compounds.SUFFIX),
        ("based", 0, 2, False, compounds.OTHER),  # a suffix only last
        ("Based", 1, 2, False, compounds.NAME),
        ("U.S.", 0, 2, False, compounds.NAME),
        ("known", 1, 2, False, compounds.OTHER),
        ("19", 1, 2, False, compounds.OTHER),
        ("X", 0, 2, False, compounds.OTHER),  # one letter
    ],
)
def test_kind(written, position, count, opens, kind):
    assert compounds.kind(written, position, count, opens=opens) == kind


def test_split_at_keeps_text_entities_and_offsets():
    doc = spacy.blank("en")("Then U.S.-led talks began.")
    doc.ents = [doc.char_span(5, 13, label="GPE")]
    split_at(doc, [9, 10])
    assert [t.text for t in doc] == ["Then", "U.S.", "-", "led", "talks", "began", "."]
    assert doc.text == "Then U.S.-led talks began."
    assert [(e.text, e.label_, e.start, e.end) for e in doc.ents] == [("U.S.-led", "GPE", 1, 4)]
    assert [t.ent_iob_ for t in doc] == ["O", "B", "I", "I", "O", "O", "O"]
