"""People named after a style of address (normalizer.pipeline.titled_people.py), own examples."""
import pytest
import spacy

from normalizer.gazetteer.load import gazetteer_from_sources
from normalizer.pipeline.component import EntityNormalizer
from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.mention import Mention, Why
from normalizer.pipeline.records import doc_records
from normalizer.pipeline.titled_people import people_after_offices, people_after_styles

NLP = spacy.blank("en")


@pytest.fixture(scope="module")
def component():
    return EntityNormalizer(NLP, gazetteer=gazetteer_from_sources([]), world=False)


def tagged(text, ents):
    """A blank document with NER's spans ``ents`` [(words, label)]."""
    doc = NLP.make_doc(text)
    doc.ents = [doc.char_span(text.index(w), text.index(w) + len(w), label=label) for w, label in ents]
    return doc


def annotate(component, text, ents=()):
    return [(r["text"], r["label"]) for r in doc_records(component(tagged(text, ents)))]


@pytest.mark.parametrize(
    "text, ents, found",
    [
        # NER took the style and the title, not the name
        ("His Majesty King Olaf V opened the session.", [("Majesty King", "PERSON")], [("Olaf V", "PERSON")]),
        # NER tagged nothing
        ("Her Royal Highness Princess Ada visited the ward.", [], [("Ada", "PERSON")]),
        ("His Excellency Jan Roe arrived.", [], [("Jan Roe", "PERSON")]),
        # NER had the name right: it stays as it was
        ("His Excellency Ambassador Jan Roe arrived.", [("Jan Roe", "PERSON")], [("Jan Roe", "PERSON")]),
        # a name NER called something else is a person after a style
        ("His Holiness Pope Ulric spoke.", [("Ulric", "GPE")], [("Ulric", "PERSON")]),
        # a hyphen inside the name, a regnal numeral at its end, and a place after "of"
        ("His Serene Highness Prince Karl-Emil II of Vaduz attended.", [("Vaduz", "GPE")],
         [("Karl-Emil II", "PERSON"), ("Vaduz", "GPE")]),
        # two titled names joined after one style
        ("Their Majesties King Olaf and Queen Ada arrived.", [], [("Olaf", "PERSON"), ("Ada", "PERSON")]),
        # no name after the style: no person, and a PERSON span of its words goes
        ("Her Majesty the Queen sent a message.", [("Majesty", "PERSON")], []),
        ("His Majesty's Treasury said nothing.", [("Treasury", "ORG")], [("Treasury", "ORG")]),
        # lower case is no style ("by his grace")
        ("It was by his grace Ada Roe survived.", [], []),
    ],
)
def test_people_after_styles(component, text, ents, found):
    assert annotate(component, text, ents) == found


def test_the_new_person_says_why():
    facts = DocumentFacts(tagged("Her Royal Highness Princess Ada visited.", []))
    (person,) = people_after_styles(facts, [])
    assert (person.start, person.end, person.ner_label, person.why) == (4, 5, "PERSON", (Why.UNTAGGED, Why.STYLE))


def test_a_relabelled_span_keeps_its_history():
    facts = DocumentFacts(tagged("His Holiness Pope Ulric spoke.", []))
    (person,) = people_after_styles(facts, [Mention(3, 4, "GPE")])
    assert (person.ner_label, person.why) == ("PERSON", (Why.STYLE,))


def test_a_document_without_a_pronoun_is_not_read():
    facts = DocumentFacts(tagged("Majesty Highness Olaf.", []))
    mentions = [Mention(0, 1, "PERSON")]
    assert people_after_styles(facts, mentions) is mentions


@pytest.mark.parametrize(
    "text, ents, found",
    [
        # NER joined the portfolio to the name and called the whole an organization
        ("Secretary of State Dana Roe arrived.", [("State Dana Roe", "ORG")], [("Dana Roe", "PERSON")]),
        ("The Secretary of Defense Mark Lindqvist Holt spoke.", [("Defense Mark Lindqvist Holt", "PERSON")],
         [("Mark Lindqvist Holt", "PERSON")]),
        # not after "<title> of": the portfolio word begins an organization's name
        ("The State Dana Roe Fund grew.", [("State Dana Roe", "ORG")], [("State Dana Roe", "ORG")]),
        # what follows the portfolio is no given name of the name lists, or one word only, or too long
        ("Secretary of State Department Office staff met.", [("State Department Office", "ORG")],
         [("State Department Office", "ORG")]),
        ("Secretary of State Roe arrived.", [("State Roe", "ORG")], [("State Roe", "ORG")]),
        ("Secretary of State Dana Maria Anna Roe arrived.", [("State Dana Maria Anna Roe", "ORG")],
         [("State Dana Maria Anna Roe", "ORG")]),
        # a lower-case word inside is no name
        ("Secretary of State Dana and Roe met.", [("State Dana and Roe", "ORG")], [("State Dana and Roe", "ORG")]),
    ],
)
def test_people_after_offices(component, text, ents, found):
    assert annotate(component, text, ents) == found


def test_a_person_after_an_office_says_why():
    facts = DocumentFacts(tagged("Secretary of State Dana Roe arrived.", []))
    (person,) = people_after_offices(facts, [Mention(2, 5, "ORG")])
    assert (person.start, person.end, person.ner_label, person.why) == (3, 5, "PERSON", (Why.AFTER_TITLE,))
