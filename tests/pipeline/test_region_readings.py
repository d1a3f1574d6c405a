"""Region readings: a city's name the text plainly uses for the region of that name (own examples)."""
from __future__ import annotations

import pytest
import spacy

from ..conftest import annotate_with_ents
from .builders import gazetteer_normalizer, world_normalizer

GAZETTEER = """
- {id: place:ashby, name: Ashby, type: city, country: UA}
- {id: place:ashby-oblast, name: Ashby Oblast, type: region, country: UA}
- {id: place:dunmore, name: Dunmore, type: city, country: UA}
- {id: place:dunmore-oblast, name: Dunmore Oblast, type: region, country: UA}
- {id: place:dunmore-peoples-republic, name: Dunmore People's Republic, type: republic, country: UA}
- {id: place:ashby-peoples-republic, name: Ashby People's Republic, type: republic, country: UA}
- {id: place:fenwick, name: Fenwick, type: city, country: UA}
- {id: place:corliss, name: Corliss, type: city, country: UA}
- {id: place:corliss-province, name: Corliss Province, type: region, country: PL}
- {id: place:marlow, name: Marlow, type: city, country: GB}
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return gazetteer_normalizer(tmp_path_factory.mktemp("regions"), GAZETTEER)


@pytest.mark.parametrize(("text", "places", "expected"), [
    # a designator shared across a coordination, after it
    ("Shells hit the Ashby and Dunmore oblasts.", ["Ashby", "Dunmore"],
     [("Ashby", "place:ashby-oblast"), ("Dunmore", "place:dunmore-oblast")]),
    ("Rain fell on the Ashby, Fenwick and Dunmore regions.", ["Ashby", "Fenwick", "Dunmore"],
     [("Ashby", "place:ashby-oblast"), ("Fenwick", "place:fenwick"), ("Dunmore", "place:dunmore-oblast")]),
    ("Both the Ashby and Dunmore People's Republics voted.", ["Ashby", "Dunmore"],
     [("Ashby", "place:ashby-peoples-republic"), ("Dunmore", "place:dunmore-peoples-republic")]),
    # a designator before, with "of"
    ("Floods reached the eastern provinces of Dunmore and Ashby.", ["Dunmore", "Ashby"],
     [("Dunmore", "place:dunmore-oblast"), ("Ashby", "place:ashby-oblast")]),
    ("Roads in the region of Ashby were closed.", ["Ashby"], [("Ashby", "place:ashby-oblast")]),
    # a region's head
    ("The governor of Dunmore spoke.", ["Dunmore"], [("Dunmore", "place:dunmore-oblast")]),
    ("Dunmore's governor spoke.", ["Dunmore"], [("Dunmore", "place:dunmore-oblast")]),
    ("The Ashby regional council met.", ["Ashby"], [("Ashby", "place:ashby-oblast")]),
    # no cue, another kind of head, no such region, or a region of another country: the city
    ("Shells hit Ashby and Dunmore.", ["Ashby", "Dunmore"],
     [("Ashby", "place:ashby"), ("Dunmore", "place:dunmore")]),
    ("The mayor of Ashby spoke.", ["Ashby"], [("Ashby", "place:ashby")]),
    ("The governor of Fenwick spoke.", ["Fenwick"], [("Fenwick", "place:fenwick")]),
    ("The governor of Corliss spoke.", ["Corliss"], [("Corliss", "place:corliss")]),
    ("Ashby and Dunmore residents met.", ["Ashby", "Dunmore"],
     [("Ashby", "place:ashby"), ("Dunmore", "place:dunmore")]),
])
def test_region_readings(pipeline, text, places, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, [(p, "GPE") for p in places])
    assert [(e.text, e.kb_id_) for e in doc.ents] == expected
    for ent in doc.ents:
        assert ("region" in (ent._.why or [])) == (ent.kb_id_.endswith(("-oblast", "-republic")))


def test_ner_taking_the_plural_designator_in_is_cut_back(pipeline):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, "Strikes on the Ashby and Dunmore Oblasts went on.",
                             [("Ashby", "GPE"), ("Dunmore Oblasts", "ORG")])
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Ashby", "GPE", "place:ashby-oblast"), ("Dunmore", "GPE", "place:dunmore-oblast")]
    assert doc.ents[0]._.alternatives == [("place:ashby", 1.0)]  # the city, were the reading wrong


@pytest.mark.parametrize(("text", "places", "expected"), [
    ("Shells hit the Ashby district overnight.", ["Ashby"], [("Ashby district", "")]),  # unknown: a new id later
    ("Shells hit the Dunmore oblast overnight.", ["Dunmore"], [("Dunmore oblast", "place:dunmore-oblast")]),
    ("The Ashby direction was quiet.", ["Ashby"], [("Ashby", "place:ashby")]),  # not an area's word
    ("The Ashby District Court met.", ["Ashby"], [("Ashby", "place:ashby")]),  # a longer name goes on
    ("Shops in the Marlow district closed.", ["Marlow"], [("Marlow", "place:marlow")]),  # elsewhere: a town's area
])
def test_a_designator_after_a_name_belongs_to_it(pipeline, text, places, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, [(p, "GPE") for p in places])
    assert [(e.text, e.kb_id_) for e in doc.ents] == expected


def test_a_person_span_ending_in_a_title_is_the_place_whose_head_it_is(pipeline):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, "Dunmore Governor Jane Roe spoke.",
                             [("Dunmore Governor", "PERSON"), ("Jane Roe", "PERSON")])
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Dunmore", "GPE", "place:dunmore-oblast"), ("Jane Roe", "PERSON", "")]


def test_a_title_that_heads_a_place_ends_a_person_span_before_it(pipeline):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, "Fenwick County Sheriff Jo Roe spoke.",
                             [("Fenwick County Sheriff", "PERSON"), ("Jo Roe", "PERSON")])
    assert [e.text for e in doc.ents] == ["Fenwick County", "Jo Roe"]


# id, name, alternate names, feature class, code, country, admin1, population
WORLD = [
    (9300001, "Quellmark", "", "A", "ADM1", "LB", "05", 300_000),  # a region named after its centre ...
    (9300002, "Quellmark al-Kubra", "Quellmark", "P", "PPLA", "LB", "05", 90_000),  # ... its centre, by another name
    (9300003, "Ostrava Vale", "", "A", "ADM1", "LB", "06", 200_000),  # a region with no town of its name
]


@pytest.fixture(scope="module")
def world_pipeline(tmp_path_factory):
    yield from world_normalizer(tmp_path_factory.mktemp("towns"), WORLD, "[]\n")


@pytest.mark.parametrize(("text", "places", "expected"), [
    # the text calls it a town: the town of that name (here an alternate name) in the region's country
    ("Strikes hit the town of Quellmark.", ["Quellmark"], [("Quellmark", "geonames:9300002", ["town"])]),
    ("Rain fell on the villages of Tannery and Quellmark.", ["Quellmark"],
     [("Quellmark", "geonames:9300002", ["town"])]),
    # no such cue: the region, as ranked
    ("Strikes hit Quellmark.", ["Quellmark"], [("Quellmark", "geonames:9300001", None)]),
    ("Strikes hit the province of Quellmark.", ["Quellmark"], [("Quellmark", "geonames:9300001", None)]),
    # no town of that name: the region
    ("Strikes hit the town of Ostrava Vale.", ["Ostrava Vale"], [("Ostrava Vale", "geonames:9300003", None)]),
])
def test_town_readings(world_pipeline, text, places, expected):
    doc = spacy.blank("en").make_doc(text)
    doc.ents = [doc.char_span(text.index(p), text.index(p) + len(p), label="GPE") for p in places]
    doc = world_pipeline(doc)
    assert [(e.text, e.kb_id_, e._.why) for e in doc.ents] == expected
    if expected[0][2]:
        # the region, were the reading wrong
        assert doc.ents[0]._.alternatives[0] == ("geonames:9300001", doc.ents[0]._.match_score)
