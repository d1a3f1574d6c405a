"""Mention.but: a new mention with the changes, every other field kept, the reasons added in order."""
from dataclasses import fields

import pytest

from normalizer.pipeline.mention import Mention, Why


def test_but_keeps_every_field_it_does_not_change():
    mention = Mention(4, 7, "PERSON", from_gazetteer=True, why=(Why.UNTAGGED,))
    changed = mention.but(Why.AREA, ner_label="GPE")
    assert changed == Mention(4, 7, "GPE", from_gazetteer=True, why=(Why.UNTAGGED, Why.AREA))
    assert mention.ner_label == "PERSON"  # a value: the old one is as it was


@pytest.mark.parametrize(("name", "value"), [("start", 3), ("end", 4), ("ner_label", "GPE"), ("from_gazetteer", True)])
def test_but_changes_each_field_alone(name, value):
    mention = Mention(2, 5, "ORG")
    changed = mention.but(Why.LIST, **{name: value})
    assert getattr(changed, name) == value and changed.why == (Why.LIST,)
    kept = [f.name for f in fields(Mention) if f.name not in (name, "why")]
    assert [getattr(changed, k) for k in kept] == [getattr(mention, k) for k in kept]


def test_but_refuses_an_unknown_field():
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Mention(0, 1, "GPE").but(colour="red")
