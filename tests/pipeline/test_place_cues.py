"""Each place cue of normalizer/pipeline/toponyms.py (``CUES``) on its own, on our own sentences.

Docs are spacy.blank("en") with NER labels set by hand where a cue reads them; the world is a small
GeoNames dump of invented towns in two real states, with two real countries and their capitals.
"""
import pytest
import spacy

from normalizer.pipeline import toponyms
from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.mention import FOLLOWING_CHARS, Why
from normalizer.pipeline.toponyms import (
    CUES,
    Around,
    after_locative_preposition,
    after_place_head,
    after_territorial_title,
    before_local_noun,
    before_plural_place_noun,
    capital,
    in_container,
    motion_from,
    motion_to,
    of_residence,
    place_cue,
    tagged_as_place_elsewhere,
    visited,
)
from normalizer.world.dump import import_geonames_dump
from normalizer.world.index import GeoNamesIndex
from normalizer.world.places import WorldPlaces

from ..conftest import GEONAMES

# id, name, lat, lon, feature class, code, country, admin1, population
TOWNS = [
    (6252001, "United States", 39.76, -98.5, "A", "PCLI", "US", "00", 327167434),
    (4896861, "Illinois", 40.0, -89.25, "A", "ADM1", "US", "IL", 12671821),
    (4398678, "Missouri", 38.25, -92.5, "A", "ADM1", "US", "MO", 5988927),
    (4140963, "Washington", 38.90, -77.04, "P", "PPLC", "US", "DC", 689545),
    (690791, "Ukraine", 49.0, 32.0, "A", "PCLI", "UA", "00", 41762138),
    (703448, "Kyiv", 50.45, 30.52, "P", "PPLC", "UA", "12", 2952301),
    (9100001, "Ashby", 40.30, -89.10, "P", "PPL", "US", "IL", 3100),
    (9100002, "Fenwick", 40.70, -88.60, "P", "PPL", "US", "IL", 1200),
    (9100003, "Glen Corliss", 38.60, -92.10, "P", "PPL", "US", "MO", 800),
]
NLP = spacy.blank("en")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("place_cues")
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
        yield WorldPlaces(index, {})


def around(text: str, name: str, *, world=None, ents=(), place_names=(), label=None) -> Around:
    """What the cues see around the first ``name`` in ``text``; ``ents``: (substring, label) NER spans."""
    doc = NLP.make_doc(text)
    doc.ents = [doc.char_span(text.index(s), text.index(s) + len(s), label=lab) for s, lab in ents]
    start = text.index(name)
    span = doc.char_span(start, start + len(name))
    following = text[span.end_char : span.end_char + FOLLOWING_CHARS]
    return Around(DocumentFacts(doc), span.start, span.end, span.text, world, following, frozenset(place_names),
                  label)


def test_the_cues_are_tried_in_this_order():
    assert [why for why, _ in CUES] == [
        Why.COMMA, Why.PREP, Why.VOTE, Why.NOUN, Why.PLURAL, Why.RESIDENCE, Why.TOWN_OF, Why.TITLE_OF, Why.TO,
        Why.FROM,
        Why.VISIT, Why.CAPITAL, Why.FORM,
    ]
    assert all(holds.__doc__ for _, holds in CUES)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The mill in Ashby, Ill., closed.", True),
        ("Ashby, Illinois, grew last year.", True),  # the state's name
        ("Ashby, United States, is small.", True),  # a country
        ("Glen Corliss, Mo. (AP) - Rain fell.", True),
        ("Ashby, Mo., is not where it lies.", False),  # no Ashby in Missouri
        ("Ashby, the mayor said, will vote.", False),  # no state or country after the comma
        ("Ashby and Ill. agreed.", False),  # no comma
    ],
)
def test_in_container(world, text, expected):
    assert in_container(around(text, "Ashby" if "Ashby" in text else "Glen Corliss", world=world)) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("They bought a farm near Ashby.", True),
        ("Schools in Ashby reopened.", True),
        ("Floods spread across Ashby.", True),
        ("Trucks waited outside Ashby.", True),
        ("The talks at Ashby ended.", False),  # "at" was measured and rejected
        ("She spoke with Ashby.", False),
        ("Ashby won.", False),  # nothing before it
    ],
)
def test_after_locative_preposition(text, expected):
    assert after_locative_preposition(around(text, "Ashby")) is expected


@pytest.mark.parametrize(
    "place_names, expected",
    [({"ashby"}, True), ({"fenwick", "ashby"}, True), ({"fenwick"}, False), (set(), False)],
)
def test_tagged_as_place_elsewhere(place_names, expected):
    assert tagged_as_place_elsewhere(around("Ashby voted.", "Ashby", place_names=place_names)) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ashby police closed the bridge.", True),
        ("A Millbrook man was hurt.", True),
        ("Ashby residents voted.", True),
        ("Ashby Police closed the bridge.", True),  # in any case
        ("Ashby closed the bridge.", False),
        ("They thanked Ashby", False),  # nothing after it
    ],
)
def test_before_local_noun(text, expected):
    name = "Millbrook" if "Millbrook" in text else "Ashby"
    assert before_local_noun(around(text, name)) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Storms hit Ashby, Corliss and Fenwick counties.", True),
        ("Ashby and Fenwick townships merged.", True),
        ("Ashby counties", True),
        ("Ashby and Fenwick voters agreed.", False),  # not a place noun
        ("Ashby and the two counties agreed.", False),  # a lower-case word ends the list first
    ],
)
def test_before_plural_place_noun(text, expected):
    assert before_plural_place_noun(around(text, "Ashby")) is expected


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        ("Jane Roe, 41, of Ashby, was charged.", [("Jane Roe", "PERSON")], True),
        ("The driver, from Ashby, was unhurt.", [], True),
        ("Jane Roe of Ashby won.", [("Jane Roe", "PERSON")], True),  # a person's name before "of"
        ("The mayor of Ashby spoke.", [], False),
        ("A man from Ashby spoke.", [], False),
        ("Of Ashby little is known.", [], False),  # nothing before "of"
    ],
)
def test_of_residence(text, ents, expected):
    assert of_residence(around(text, "Ashby", ents=ents)) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The village of Ashby voted.", True),
        ("The towns of Ashby and Fenwick merged.", True),
        ("The County of Ashby", True),
        ("The mayor of Ashby spoke.", False),
        ("Ashby is in the village.", False),
        ("Of Ashby little is known.", False),
    ],
)
def test_after_place_head(text, expected):
    assert after_place_head(around(text, "Ashby")) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The bishop of Ashby preached.", True),
        ("She met the Earl of Ashby.", True),
        ("The Mayor of Ashby spoke.", True),
        ("The president of Ashby spoke.", False),  # an officer of a company, perhaps
        ("The bishop visited Ashby.", False),  # no "of"
        ("Of Ashby little is known.", False),
    ],
)
def test_after_territorial_title(text, expected):
    assert after_territorial_title(around(text, "Ashby")) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The team flew to Ashby.", True),
        ("To Ashby, then.", True),
        ("The delay was long, according to Ashby.", False),
        ("The delay was due to Ashby.", False),
        ("The team drove from Ashby.", False),
    ],
)
def test_motion_to(text, expected):
    assert motion_to(around(text, "Ashby")) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The team drove from Ashby.", True),
        ("Letters came from Ashby and Fenwick.", True),
        ("The sum was due from Ashby.", False),
        ("The team flew to Ashby.", False),
    ],
)
def test_motion_from(text, expected):
    assert motion_from(around(text, "Ashby")) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The governor visited Ashby on Monday.", True),
        ("She toured Ashby and Fenwick.", True),
        ("Crowds are visiting Ashby.", True),
        ("The governor met Ashby on Monday.", False),  # another verb
        ("A visit by Ashby was planned.", False),  # not the object of the visit
    ],
)
def test_visited(text, expected):
    assert visited(around(text, "Ashby")) is expected


def test_visited_a_person_tagged_name_that_is_a_given_name():
    text = "The mayor visited Jackson in hospital."
    assert visited(around(text, "Jackson", label="PERSON")) is False
    assert visited(around(text, "Jackson")) is True  # untagged: the world place decides


@pytest.mark.parametrize(
    "text, name, label, expected",
    [
        ("Kyiv wants answers.", "Kyiv", None, True),
        ("Kyiv wants answers.", "Kyiv", "PERSON", True),  # a capital of a million people
        ("Washington wants answers.", "Washington", "ORG", True),
        ("Washington wants answers.", "Washington", "PERSON", False),  # a smaller capital, and a surname
        ("Ukraine wants answers.", "Ukraine", "ORG", True),  # a country
        ("Ukraine wants answers.", "Ukraine", "PERSON", True),  # a country, and no common person's name
        ("Ashby wants answers.", "Ashby", None, False),
    ],
)
def test_capital(world, text, name, label, expected):
    assert capital(around(text, name, world=world, label=label)) is expected


@pytest.mark.parametrize(
    "text, name, ents, expected",
    [
        ("A farm near Ashby, Ill., burned.", "Ashby", [], Why.COMMA),  # "comma" before "prep"
        ("A farm near Ashby burned.", "Ashby", [], Why.PREP),
        ("Ashby police came from Fenwick.", "Fenwick", [], Why.FROM),
        ("A farm near Quenton burned.", "Quenton", [], None),  # a cue, but no place of that name
        ("A farm near Ashby Smith burned.", "Ashby", [("Ashby Smith", "PERSON")], None),  # a person's name
        ("Mayor Ashby came from Fenwick.", "Ashby", [], None),  # after a title
        ("Fenwick said no.", "Fenwick", [], None),  # the speaker of "said"
        ("The bishop of Fenwick said no.", "Fenwick", [], Why.TITLE_OF),  # the bishop speaks
        ("Ashby thanked the crew.", "Ashby", [], None),  # no cue
    ],
)
def test_place_cue_gives_the_first_cue_that_holds_for_a_world_place(world, text, name, ents, expected):
    doc = NLP.make_doc(text)
    doc.ents = [doc.char_span(text.index(s), text.index(s) + len(s), label=lab) for s, lab in ents]
    start = text.index(name)
    span = doc.char_span(start, start + len(name))
    person_parts = {"ashby", "smith"} if ents else set()
    cue = place_cue(DocumentFacts(doc), span.start, span.end, world=world,
                    following=text[span.end_char:][:FOLLOWING_CHARS], place_names=frozenset(),
                    person_parts=person_parts)
    assert cue is expected


def test_a_name_with_no_cue_is_not_looked_up(world, monkeypatch):
    looked_up = []
    monkeypatch.setattr(toponyms, "named", lambda w, written: looked_up.append(written) or [])
    doc = NLP.make_doc("Ashby thanked the crew.")
    assert place_cue(DocumentFacts(doc), 0, 1, world=world, following=" thanked the crew.", place_names=frozenset(),
                     person_parts=set()) is None
    assert looked_up == []
