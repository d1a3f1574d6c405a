"""Institutions NER took for places (normalizer/pipeline/institutions.py), on our own names."""
import pytest
import spacy

from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.institutions import institutions_not_places
from normalizer.pipeline.mention import Mention, Why

NLP = spacy.blank("en")


@pytest.mark.parametrize(
    ("name", "ner_label", "label", "why"),
    [
        ("Ashby County Jail", "GPE", "FAC", (Why.INSTITUTION,)),
        ("Fenwick City Council", "GPE", "ORG", (Why.INSTITUTION,)),
        ("North Dunmore Police Department", "LOC", "ORG", (Why.INSTITUTION,)),
        ("Ashby County Sheriff's Office", "FAC", "ORG", (Why.INSTITUTION,)),
        ("Ashby County District Court", "GPE", "ORG", (Why.INSTITUTION,)),
        ("Dunmore City Hall", "GPE", "FAC", (Why.INSTITUTION,)),
        ("Ashby County Jail", "FAC", "FAC", ()),  # already what the table says
        # a last word that also ends names of places, alone: the place stays
        ("Fenwick Court", "GPE", "GPE", ()),
        ("North Hall", "GPE", "GPE", ()),
        ("the Oval Office", "FAC", "FAC", ()),
        ("Ashby Park", "GPE", "GPE", ()),
        # a head word in lower case is no part of a name
        ("Ashby council", "GPE", "GPE", ()),
        # one word: a town may bear the word's name
        ("Council", "GPE", "GPE", ()),
        # an organization's or a person's span is not touched
        ("Fenwick Police", "PERSON", "PERSON", ()),
    ],
)
def test_a_place_span_ending_in_an_institutions_head_is_the_institution(name, ner_label, label, why):
    doc = NLP.make_doc(f"They went to {name} on Monday.")
    [mention] = institutions_not_places(DocumentFacts(doc), [Mention(3, len(doc) - 3, ner_label)])
    assert doc[3:len(doc) - 3].text == name
    assert (mention.ner_label, mention.why) == (label, why)
