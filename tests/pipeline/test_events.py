"""An organization NER joined to its event is an organization mention (own examples)."""
from __future__ import annotations

import pytest

from ..conftest import annotate_with_ents
from .builders import gazetteer_normalizer

GAZETTEER = """
- {id: org:harbor-league, name: Harbor League, type: organization, variants: [{name: HL, kind: abbreviation}]}
- {id: org:harbor-league-conference, name: Harbor League Conference, type: organization}
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return gazetteer_normalizer(tmp_path_factory.mktemp("events"), GAZETTEER)


@pytest.mark.parametrize(("text", "ner", "expected"), [
    ("Leaders met at the HL Summit.", [("HL Summit", "ORG")], [("HL", "ORG", "org:harbor-league")]),
    # portfolio words between the organization and the event word go with the event
    ("She attended the Harbor League Defence Ministerial.", [("Harbor League Defence Ministerial", "ORG")],
     [("Harbor League", "ORG", "org:harbor-league")]),
    # NER called the event a facility
    ("Crowds outside the HL Summit grew.", [("HL Summit", "FAC")], [("HL", "ORG", "org:harbor-league")]),
    # no event word at the end, or no known organization before it: NER's span stays
    ("Harbor League Summit Partners grew.", [("Harbor League Summit Partners", "ORG")],
     [("Harbor League Summit Partners", "ORG", "")]),
    ("Leaders met at the Dunmore Summit.", [("Dunmore Summit", "ORG")], [("Dunmore Summit", "ORG", "")]),
    # a name the gazetteer knows as a whole stays whole
    ("The Harbor League Conference voted.", [("Harbor League Conference", "ORG")],
     [("Harbor League Conference", "ORG", "org:harbor-league-conference")]),
])
def test_an_organizations_event(pipeline, text, ner, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, ner)
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == expected
