"""Two names of one place side by side, read by NER as one name, become two mentions of the place."""
from __future__ import annotations

import pytest

from ..conftest import annotate_with_ents
from .builders import gazetteer_normalizer

GAZETTEER = """
- {id: place:ashby, name: Ashby, type: city, country: GB, variants: [{name: Ashbyburg, kind: former}, Aszbi]}
- {id: place:dunmore, name: Dunmore, type: city, country: GB}
- {id: person:ashby-jones, name: Ashby Jones, type: person}
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return gazetteer_normalizer(tmp_path_factory.mktemp("twins"), GAZETTEER)


@pytest.mark.parametrize(("text", "ner", "expected"), [
    ("The old town of Ashby Aszbi is famous.", [("Ashby Aszbi", "PERSON")],
     [("Ashby", "GPE", "place:ashby"), ("Aszbi", "GPE", "place:ashby")]),
    ("Trains run to Ashbyburg Ashby daily.", [("Ashbyburg Ashby", "ORG")],
     [("Ashbyburg", "GPE", "place:ashby"), ("Ashby", "GPE", "place:ashby")]),
    # two places, or a name the gazetteer knows whole: as they were
    ("Trains run from Ashby Dunmore daily.", [("Ashby Dunmore", "PERSON")], [("Ashby Dunmore", "PERSON", "")]),
    ("Ashby Jones spoke.", [("Ashby Jones", "PERSON")], [("Ashby Jones", "PERSON", "person:ashby-jones")]),
])
def test_two_names_of_one_place_side_by_side(pipeline, text, ner, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, ner)
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == expected
    assert all(e._.why == ["twin"] for e in doc.ents if e.text in ("Aszbi", "Ashbyburg"))
