"""A known name before a possessive inside NER's span is a mention of its own (own examples)."""
from __future__ import annotations

import pytest

from ..conftest import annotate_with_ents
from .builders import gazetteer_normalizer

GAZETTEER = """
- {id: person:adaeze-okafor, name: Adaeze Okafor, type: person, variants: [Okafor]}
- {id: place:ashby, name: Ashby, type: city, country: GB}
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return gazetteer_normalizer(tmp_path_factory.mktemp("possessives"), GAZETTEER)


@pytest.mark.parametrize(("text", "ner", "expected"), [
    ("Okafor's Harbor Commission met.", [("Okafor's Harbor Commission", "ORG")],
     [("Okafor", "PERSON", "person:adaeze-okafor"), ("Harbor Commission", "ORG", "")]),
    ("Ashby's old mayor retired.", [("Ashby's old mayor", "PERSON")], [("Ashby", "GPE", "place:ashby")]),
    # nobody's name before the possessive: NER's span stays
    ("Corliss's Harbor Commission met.", [("Corliss's Harbor Commission", "ORG")],
     [("Corliss's Harbor Commission", "ORG", "")]),
])
def test_a_known_name_before_an_inner_possessive(pipeline, text, ner, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, ner)
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == expected
