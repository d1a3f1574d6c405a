"""A person's family name alone where NER tagged nothing (normalizer/pipeline/surnames.py), own examples."""
import pytest
import spacy

from normalizer.gazetteer.load import Source, gazetteer_from_sources
from normalizer.pipeline.component import EntityNormalizer
from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.records import doc_records

GAZETTEER = """
- id: person:tomas-brackwell
  name: Tomas Brackwell
  type: person
  variants:
    - {name: Brackwell, weak: true}
"""


@pytest.fixture(scope="module")
def component():
    nlp = spacy.blank("en")
    gazetteer = gazetteer_from_sources([Source("test.yaml", GAZETTEER, 0)])
    return EntityNormalizer(nlp, gazetteer=gazetteer, world=False)


def annotate(component, text, people):
    doc = spacy.blank("en").make_doc(text)
    doc.ents = [doc.char_span(text.index(p), text.index(p) + len(p), label="PERSON") for p in people]
    return [(r["text"], r["label"]) for r in doc_records(component(doc))]


@pytest.mark.parametrize(
    "text, people, found",
    [
        ("Adaeze Okafor spoke first. Then Okafor added details.", ["Adaeze Okafor"],
         [("Adaeze Okafor", "PERSON"), ("Okafor", "PERSON")]),
        # a longer name that begins with it is something else
        ("Adaeze Okafor spoke first. Okafor Mills grew.", ["Adaeze Okafor"], [("Adaeze Okafor", "PERSON")]),
        # a particle before the last word: the family name is more than that word
        ("Jo van Dijk spoke first. Then Dijk added details.", ["Jo van Dijk"], [("Jo van Dijk", "PERSON")]),
        # a word the document also writes in lower case
        ("Jo Marsh spoke first. Marsh birds nest there; the marsh is wet.", ["Jo Marsh"], [("Jo Marsh", "PERSON")]),
        # a name the curated gazetteer knows is left to it
        ("Jo Brackwell spoke first. Then Brackwell added details.", ["Jo Brackwell"], [("Jo Brackwell", "PERSON")]),
        # no one named in full: nothing to go by
        ("Then Okafor added details.", [], []),
        # an untagged name after a person's title, its first word a given name: a person, and so is
        # the family name alone later
        ("Source: Mayor Maria Okafor; later Okafor added details.", [],
         [("Maria Okafor", "PERSON"), ("Okafor", "PERSON")]),
        ("Source: Mayor Maria Okafor Ruiz.", [], [("Maria Okafor Ruiz", "PERSON")]),
        # not a given name first, more than three words, a street's name, no title
        ("Source: Mayor Brackley Okafor.", [], []),
        ("Source: Mayor Maria Okafor Ruiz Diaz.", [], []),
        ("Take King Edward Street north.", [], []),
        ("Source: Maria Okafor.", [], []),
    ],
)
def test_untagged_surnames(component, text, people, found):
    assert annotate(component, text, people) == found


def test_person_surnames_keep_the_given_names_and_follow_the_name_order():
    text = "Adaeze Okafor, Wang Junhao and Sgt Dana Ruiz met."
    doc = spacy.blank("en").make_doc(text)
    doc.ents = [doc.char_span(text.index(p), text.index(p) + len(p), label="PERSON")
                for p in ("Adaeze Okafor", "Wang Junhao", "Dana Ruiz")]
    assert DocumentFacts(doc).person_surnames == {"okafor": {"adaeze"}, "wang": {"junhao"}, "ruiz": {"dana"}}


def annotate_labels(component, text, ents):
    doc = spacy.blank("en").make_doc(text)
    doc.ents = [doc.char_span(text.rindex(p), text.rindex(p) + len(p), label=label) for p, label in ents]  # last use
    return [(r["text"], r["label"]) for r in doc_records(component(doc))]


@pytest.mark.parametrize(
    "text, ents, found",
    [
        # NER's organization that is the family name of a person of the document
        ("Adaeze Okafor spoke. Then Okafor left.", [("Adaeze Okafor", "PERSON"), ("Okafor", "ORG")],
         [("Adaeze Okafor", "PERSON"), ("Okafor", "PERSON")]),
        # in another romanization of a name from Cyrillic (the given name says so) ...
        ("Serhiy Hordiienko spoke. Then Gordiienko left.", [("Serhiy Hordiienko", "PERSON"), ("Gordiienko", "ORG")],
         [("Serhiy Hordiienko", "PERSON"), ("Gordiienko", "PERSON")]),
        # a title NER took into the organization stays outside the person
        ("Adaeze Okafor spoke. Then Dr Okafor left.", [("Adaeze Okafor", "PERSON"), ("Dr Okafor", "ORG")],
         [("Adaeze Okafor", "PERSON"), ("Okafor", "PERSON")]),
        # ... not for another name: Hale and Gale are two families
        ("Adam Hale spoke. Then Gale left.", [("Adam Hale", "PERSON"), ("Gale", "ORG")],
         [("Adam Hale", "PERSON"), ("Gale", "ORG")]),
    ],
)
def test_organizations_that_are_family_names(component, text, ents, found):
    assert annotate_labels(component, text, ents) == found

