"""A place NER joined to the job title after it is a place mention of its own (own examples)."""
from __future__ import annotations

import pytest

from ..conftest import annotate_with_ents
from .builders import gazetteer_normalizer

GAZETTEER = """
- {id: place:ashby, name: Ashby, type: city, country: GB}
- {id: org:ashby-treasury-board, name: Ashby Treasury Board, type: organization}
- {id: place:dunmore, name: Dunmore, type: city, country: GB}
- {id: org:dunmore-treasury, name: Dunmore Treasury, type: organization}
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return gazetteer_normalizer(tmp_path_factory.mktemp("title_places"), GAZETTEER)


@pytest.mark.parametrize(("text", "ner", "expected"), [
    # the portfolio word before a title is the title's: the words before it, a known place, are a place
    ("Ashby Treasury Secretary Jo Roe spoke.", [("Ashby Treasury", "ORG"), ("Jo Roe", "PERSON")],
     [("Ashby", "GPE", "place:ashby"), ("Jo Roe", "PERSON", "")]),
    ("The Ashby Health Minister spoke.", [("Ashby Health Minister", "ORG")], [("Ashby", "GPE", "place:ashby")]),
    # a nationality word and a portfolio word are all title: no entity
    ("British Home Secretary Jo Roe spoke.", [("British Home", "ORG"), ("Jo Roe", "PERSON")],
     [("Jo Roe", "PERSON", "")]),
    # no title after the portfolio word, or no known place before it: NER's span stays
    ("Ashby Treasury staff spoke.", [("Ashby Treasury", "ORG")], [("Ashby Treasury", "ORG", "")]),
    ("Corliss Treasury Secretary Jo Roe spoke.", [("Corliss Treasury", "ORG"), ("Jo Roe", "PERSON")],
     [("Corliss Treasury", "ORG", ""), ("Jo Roe", "PERSON", "")]),
    # "State" after a place makes a university's name, not a portfolio
    ("Ashby State officials said no.", [("Ashby State", "ORG")], [("Ashby State", "ORG", "")]),
    # a name the gazetteer knows stays whole, though it ends in a portfolio word before a title
    ("The Dunmore Treasury spokesman spoke.", [("Dunmore Treasury", "ORG")],
     [("Dunmore Treasury", "ORG", "org:dunmore-treasury")]),
    # a lone portfolio word is rules.is_title_part's case, and a name the gazetteer knows stays whole
    ("The Ashby Treasury Board chief spoke.", [("Ashby Treasury Board", "ORG")],
     [("Ashby Treasury Board", "ORG", "org:ashby-treasury-board")]),
])
def test_a_place_joined_to_a_job_title(pipeline, text, ner, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, ner)
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == expected
