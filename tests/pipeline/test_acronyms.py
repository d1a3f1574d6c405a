"""Acronyms the text defines are mentions of the name they stand for (own examples)."""
from __future__ import annotations

import pytest

from ..conftest import annotate_with_ents
from .builders import gazetteer_normalizer

GAZETTEER = """
- id: org:harbor-relief-front
  name: Harbor Relief Front
  type: organization
  variants:
    - {name: HRF, kind: abbreviation, weak: true}
- {id: org:lakeside-water-board, name: Lakeside Water Board, type: organization, variants: [{name: LWA, weak: true}]}
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return gazetteer_normalizer(tmp_path_factory.mktemp("acronyms"), GAZETTEER)


def _spans(pipeline, text, ner):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, ner)
    return [(e.text, e.label_, e.kb_id_) for e in doc.ents]


@pytest.mark.parametrize(("text", "ner", "expected"), [
    # a weak acronym the text defines resolves, there and later
    ("The Harbor Relief Front (HRF) met. Later HRF left.", [("Harbor Relief Front", "ORG")],
     [("Harbor Relief Front", "ORG", "org:harbor-relief-front"), ("HRF", "ORG", "org:harbor-relief-front"),
      ("HRF", "ORG", "org:harbor-relief-front")]),
    # a listed variant counts though it is not the initials
    ("The Lakeside Water Board (LWA) met.", [("Lakeside Water Board", "ORG")],
     [("Lakeside Water Board", "ORG", "org:lakeside-water-board"), ("LWA", "ORG", "org:lakeside-water-board")]),
    # an unknown organization's acronym is an organization mention too (the corpus pass joins them)
    ("The Dunmore Grain Union (DGU) met.", [("Dunmore Grain Union", "ORG")],
     [("Dunmore Grain Union", "ORG", ""), ("DGU", "ORG", "")]),
    # NER's unresolved one-word span of the acronym takes the name's resolution
    ("The Harbor Relief Front (HRF) met; later HRF said no.", [("Harbor Relief Front", "ORG"), ("HRF", "ORG")],
     [("Harbor Relief Front", "ORG", "org:harbor-relief-front"), ("HRF", "ORG", "org:harbor-relief-front"),
      ("HRF", "ORG", "org:harbor-relief-front")]),
    # an acronym that is neither the name's initials nor its variant defines nothing ("LWA" is the Board's)
    ("The Harbor Relief Front (LWA) met.", [("Harbor Relief Front", "ORG")],
     [("Harbor Relief Front", "ORG", "org:harbor-relief-front")]),
])
def test_a_defined_acronym_is_the_name(pipeline, text, ner, expected):
    assert _spans(pipeline, text, ner) == expected


@pytest.mark.parametrize(("text", "ner", "expected"), [
    # not its acronym
    ("The Harbor Relief Front (XYZ) met.", [("Harbor Relief Front", "ORG")], ["Harbor Relief Front"]),
    # the use before the definition stays unknown (a weak variant is never matched in free text)
    ("HRF met. The Harbor Relief Front (HRF) left.", [("Harbor Relief Front", "ORG")],
     ["Harbor Relief Front", "HRF@34"]),
    ("Jo Hale Roe (JHR) spoke.", [("Jo Hale Roe", "PERSON")], ["Jo Hale Roe"]),  # a person's initials: no mention
    ("The Harbor Relief Front, HRF, met.", [("Harbor Relief Front", "ORG")], ["Harbor Relief Front"]),  # no parentheses
])
def test_no_definition_no_acronym_mention(pipeline, text, ner, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, ner)
    assert [e.text if e.text != "HRF" else f"HRF@{e.start_char}" for e in doc.ents] == expected
