"""NER spans that list names the gazetteer knows (normalizer/pipeline/name_lists.py), own examples."""
import pytest
import spacy

from normalizer.gazetteer.load import Source, gazetteer_from_sources
from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.name_lists import listed_names

GAZETTEER = """
- id: org:tallow-mills
  name: Tallow Mills
  type: organization
- id: org:brackwell-post
  name: Brackwell Post
  type: organization
- id: org:fenwick-wire
  name: Fenwick Wire
  type: organization
  variants:
    - name: Fenwick
      weak: true
- id: org:tallow-and-fenwick
  name: Tallow and Fenwick
  type: organization
"""


@pytest.fixture(scope="module")
def index():
    return gazetteer_from_sources([Source("test.yaml", GAZETTEER, 0)]).index


@pytest.mark.parametrize(
    "text, names",
    [
        ("Tallow Mills and Brackwell Post", ["Tallow Mills", "Brackwell Post"]),
        ("Tallow Mills, Brackwell Post and Fenwick Wire", ["Tallow Mills", "Brackwell Post", "Fenwick Wire"]),
        ("Tallow Mills, Brackwell Post, and Fenwick Wire", ["Tallow Mills", "Brackwell Post", "Fenwick Wire"]),
        ("Tallow Mills & Brackwell Post", ["Tallow Mills", "Brackwell Post"]),
        ("Tallow and Fenwick", ["Tallow and Fenwick"]),  # known whole: one name with "and" inside
        ("Tallow Mills and Dunmore Grain", ["Tallow Mills and Dunmore Grain"]),  # a part unknown
        ("Tallow Mills and Fenwick", ["Tallow Mills and Fenwick"]),  # a part known only weakly
        ("Brackwell Post", ["Brackwell Post"]),  # no list
    ],
)
def test_listed_names(index, text, names):
    doc = spacy.blank("en")(text)
    found = listed_names(DocumentFacts(doc), index, 0, len(doc))
    assert [doc[a:b].text for a, b in found] == names
