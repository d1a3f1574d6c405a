"""A slash splits an NER span into names, unless the gazetteer knows the name with its slash (own examples)."""
from __future__ import annotations

import pytest

from ..conftest import annotate_with_ents
from .builders import gazetteer_normalizer

GAZETTEER = """
- id: org:harbor-radio-harbor-tv
  name: Harbor Radio/Harbor TV
  type: organization
  variants: [{name: HR/HTV, kind: abbreviation}]
- {id: org:tidewire, name: Tidewire, type: organization}
- {id: org:nordwire, name: Nordwire, type: organization}
"""


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return gazetteer_normalizer(tmp_path_factory.mktemp("separators"), GAZETTEER)


@pytest.mark.parametrize(("text", "ner", "expected"), [
    ("Harbor Radio/Harbor TV reported it.", [("Harbor Radio/Harbor TV", "ORG")],
     [("Harbor Radio/Harbor TV", "org:harbor-radio-harbor-tv")]),
    ("A reporter for HR/HTV said so.", [], [("HR/HTV", "org:harbor-radio-harbor-tv")]),  # found in the text
    ("Tidewire/Nordwire reported it.", [("Tidewire/Nordwire", "ORG")],
     [("Tidewire", "org:tidewire"), ("Nordwire", "org:nordwire")]),  # two names
    ("Tidewire / Nordwire reported it.", [("Tidewire / Nordwire", "ORG")],
     [("Tidewire", "org:tidewire"), ("Nordwire", "org:nordwire")]),
])
def test_slashes(pipeline, text, ner, expected):
    nlp, normalizer = pipeline
    doc = annotate_with_ents(nlp, normalizer, text, ner)
    assert [(e.text, e.kb_id_) for e in doc.ents] == expected
