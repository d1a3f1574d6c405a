"""Rules of the resolver that stand alone (normalizer/pipeline/resolve.py), on our own examples."""
import pytest

from normalizer.gazetteer.load import Source, gazetteer_from_sources
from normalizer.pipeline.resolve import Resolver, body_of_water


@pytest.mark.parametrize(
    "key, preceding, water",
    [
        ("heron sea", "boats crossed the ", True),
        ("copper river", "fishing on The ", True),
        ("heron bay", "officials in ", False),  # no "the": the town may be meant
        ("heron bay", "the town of ", False),  # "of" comes last: the town
        ("bay", "the ", False),  # the word alone names no water
        ("heron bay area", "the ", False),  # it ends otherwise
    ],
)
def test_body_of_water(key, preceding, water):
    assert body_of_water(key, preceding) is water


PEOPLE = """
- {id: person:ilse-marrowby, name: Ilse Marrowby, type: person, variants: [Marrowby]}
- {id: place:marrowbury, name: Marrowbury, type: city}
"""


@pytest.mark.parametrize(
    "written, label, found",
    [
        ("Ilse Marowby", "PERSON", "person:ilse-marrowby"),  # a full name misspelled: fuzzy
        ("Marrowby", "PERSON", "person:ilse-marrowby"),  # the family name as listed
        ("Marowby", "PERSON", None),  # one word is never a close spelling of a person's name
        ("Marowbury", "GPE", "place:marrowbury"),  # one word of a place may be
    ],
)
def test_a_lone_word_is_never_a_fuzzy_person(written, label, found):
    resolver = Resolver(gazetteer_from_sources([Source("people.yaml", PEOPLE, 0)]).index)
    resolution = resolver.resolve(written, label=label, from_ner=True)
    assert (resolution.entry.canonical_id if resolution else None) == found
