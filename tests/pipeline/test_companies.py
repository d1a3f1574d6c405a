"""Companies by their legal names (normalizer/pipeline/companies.py), on our own sentences.

A small GeoNames dump of invented towns, two of them big enough for an ORG span to be a place
(``strict_min_population``); NER labels are set by hand on spacy.blank docs.
"""
import pytest
import spacy

from normalizer.pipeline.companies import companies_not_people, short_names
from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.mention import Mention, Why

from .builders import annotate, world_normalizer

# id, name, alternate names, feature class, code, country, admin1, population
PLACES = [
    (9200001, "Quenby", "", "P", "PPL", "JP", "01", 900_000),
    (9200002, "Marrowgate", "", "P", "PPL", "JP", "02", 600_000),
]
QUENBY = "geonames:9200001"
NLP = spacy.blank("en")


@pytest.fixture(scope="module")
def normalizer(tmp_path_factory):
    yield from world_normalizer(tmp_path_factory.mktemp("companies"), PLACES, "[]\n")


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        # an organization's name that is a big town's is the company's short name when the document
        # names the company in full ...
        ("Quenby said sales fell at Quenby Widget Corp, its maker.", [("Quenby", "ORG"), ("Quenby Widget Corp", "ORG")],
         [("Quenby", "ORG", None), ("Quenby Widget Corp", "ORG", None)]),
        # ... by any of its leading words
        ("Marrowgate Paper hired; Marrowgate Paper Holdings Ltd grew.",
         [("Marrowgate Paper", "ORG"), ("Marrowgate Paper Holdings Ltd", "ORG")],
         [("Marrowgate Paper", "ORG", None), ("Marrowgate Paper Holdings Ltd", "ORG", None)]),
        # without the company's name in the document, the town
        ("Quenby said sales fell.", [("Quenby", "ORG")], [("Quenby", "GPE", QUENBY)]),
        # NER's place stays a place: the company's home town
        ("In Quenby, Quenby Widget Corp hired.", [("Quenby", "GPE"), ("Quenby Widget Corp", "ORG")],
         [("Quenby", "GPE", QUENBY), ("Quenby Widget Corp", "ORG", None)]),
        # a person's span that ends in a legal form is the company
        ("Talks with Halvard Oyj ended.", [("Halvard Oyj", "PERSON")], [("Halvard Oyj", "ORG", None)]),
        # ... and so is one that is the company's name without it
        ("Halvard said Halvard Oyj grew.", [("Halvard", "PERSON"), ("Halvard Oyj", "ORG")],
         [("Halvard", "ORG", None), ("Halvard Oyj", "ORG", None)]),
        ("Halvard said Halvard Group grew.", [("Halvard", "PERSON"), ("Halvard Group", "ORG")],
         [("Halvard", "PERSON", None), ("Halvard Group", "ORG", None)]),
    ],
)
def test_companies_and_their_short_names(normalizer, text, ents, expected):
    assert annotate(normalizer, text, ents) == expected


def test_a_company_in_full_gives_its_leading_words_as_short_names():
    doc = NLP.make_doc("Ashby Motor Corp. and Fenwick Bank said so.")
    facts = DocumentFacts(doc)
    mentions = [Mention(0, 3, "ORG"), Mention(4, 6, "ORG")]  # "Corp." is one token; "Bank" is no legal form
    assert short_names(facts, mentions) == {"ashby", "ashby motor"}


@pytest.mark.parametrize(
    ("text", "span", "label", "why"),
    [
        ("Talks with Fenwick GmbH ended.", (2, 4), "ORG", (Why.COMPANY,)),
        ("Talks with Fenwick Inc. ended.", (2, 4), "ORG", (Why.COMPANY,)),
        ("Talks with Jo Ltd ended.", (2, 3), "PERSON", ()),  # one word: the legal form is outside the span
        ("Talks with Jo Corliss ended.", (2, 4), "PERSON", ()),
        ("Talks with Jo ltd ended.", (2, 4), "PERSON", ()),  # a legal form is capitalized
    ],
)
def test_a_person_span_ending_in_a_legal_form_is_a_company(text, span, label, why):
    doc = NLP.make_doc(text)
    [mention] = companies_not_people(DocumentFacts(doc), [Mention(*span, "PERSON")])
    assert (mention.ner_label, mention.why) == (label, why)
