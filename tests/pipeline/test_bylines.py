"""The people of a wire story's credit line (normalizer/pipeline/bylines.py), on our own sentences."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.pipeline.bylines import words_before_by

from ..conftest import annotate_with_ents
from .builders import gazetteer_normalizer

GAZETTEER = """
- {id: place:varnholt, name: Varnholt, type: city, country: NO}
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return gazetteer_normalizer(tmp_path_factory.mktemp("bylines"), GAZETTEER)


@pytest.mark.parametrize(("text", "ner", "expected"), [
    # each credit's names, joined by "and", up to the next credit
    ("Talks resumed. (Reporting by Jo Anne Roe and Tom Ward Writing by Ann Lee; Editing by Kim K. Park)", [],
     ["Jo Anne Roe/PERSON", "Tom Ward/PERSON", "Ann Lee/PERSON", "Kim K. Park/PERSON"]),
    ("Additional reporting by Ola Berg, Editing by Tom Ward", [], ["Ola Berg/PERSON", "Tom Ward/PERSON"]),
    # NER's span over a name gives way; one over the next credit's word ends before it
    ("(Reporting by Ola Berg in Varnholt Writing by Ann Lee)", [("Ola Berg in", "ORG"), ("Varnholt Writing", "ORG")],
     ["Ola Berg/PERSON", "Varnholt/GPE", "Ann Lee/PERSON"]),
    # a lone word is no person; prose is no credit line; a name of five words is no name
    ("Reporting by Acme; Editing by Tom Ward", [], ["Tom Ward/PERSON"]),
    ("According to reporting by Ola Berg the plan failed.", [], []),
    ("Compiled by Varnholt Newsroom; Editing by Tom Ward", [], ["Varnholt/GPE", "Tom Ward/PERSON"]),  # a desk
    ("Reporting by Nordic Wire Service", [("Nordic Wire Service", "ORG")], ["Nordic Wire Service/ORG"]),
    ("Editing by Tom Ward Ann Lee Kim Park", [], []),
])
def test_credited_names(pipeline, text, ner, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, ner)
    assert [f"{e.text}/{e.label_}" for e in doc.ents] == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["by", " by", "x by", "By ", " ", "a", "Q", "y", "é", "5", "_", "-", "\n"]),
                max_size=12).map("".join))
def test_the_words_before_by_are_the_regular_expressions(text):
    """Read back from each " by", the same words as the plain pattern tried at every word of the text."""
    assert words_before_by(text) == [(m.group(1), m.start(2)) for m in re.finditer(r"\b([A-Za-z]+) (by)\b", text)]
