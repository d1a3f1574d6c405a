"""DocumentFacts from one ``doc.to_array`` pass: the same answers as reading the document's tokens."""
from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, Span

from normalizer.pipeline.facts import DocumentFacts
from normalizer.pipeline.word_flags import NAME
from normalizer.text.keys import fold

VOCAB = spacy.blank("en").vocab
WORDS = ["Harbour", "harbour", "the", "The", "Tartu", "mayor", "said", ",", ".", "\n\n", "Oulu’s", "ÉCOLE", "école",
         "2024", "-", "St.", "  ", "naïve", "NAÏVE", "x"]


@st.composite
def docs(draw) -> Doc:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
    spaces = draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
    tags = draw(st.one_of(st.none(), st.lists(st.sampled_from(["PROPN", "NOUN", "PUNCT", "X"]), min_size=len(words),
                                              max_size=len(words))))
    doc = Doc(VOCAB, words=words, spaces=spaces, pos=tags)
    n = len(doc)
    starts = draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
    ents, taken = [], set()
    for start in sorted(starts):
        end = draw(st.integers(start + 1, min(n, start + 3)))
        if not taken & set(range(start, end)):
            taken |= set(range(start, end))
            ents.append(Span(doc, start, end, label=draw(st.sampled_from(["GPE", "PERSON", "ORG", "NORP"]))))
    doc.ents = ents
    return doc


@settings(max_examples=200, deadline=None)
@given(docs(), st.data())
def test_facts_read_from_arrays_are_the_tokens_own(doc, data):
    facts = DocumentFacts(doc)
    assert facts.text == doc.text
    assert facts.ents == doc.ents
    assert facts.orths == [t.orth for t in doc]
    assert facts.starts == [t.idx for t in doc] and facts.ends == [t.idx + len(t) for t in doc]
    assert [facts.spaced(i) for i in range(len(doc))] == [bool(t.whitespace_) for t in doc]
    places = {fold(e.text) for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC")}
    assert facts.name_words == [i for i in range(len(doc)) if facts.flags[i] & NAME and (
        doc[i].pos_ in ("", "PROPN") or doc[i].lower_ in places)]
    assert all(facts._alpha_words(ent) == [t.text for t in ent if t.is_alpha] for ent in doc.ents)
    start = data.draw(st.integers(0, len(doc) - 1))
    end = data.draw(st.integers(start + 1, len(doc)))
    assert facts.span_text(start, end) == doc[start:end].text
    last = doc[end - 1]
    assert facts.following(start, end, 7) == doc.text[last.idx + len(last): last.idx + len(last) + 7]
    assert facts.preceding(start, 7) == doc.text[max(0, doc[start].idx - 7): doc[start].idx]


@settings(max_examples=200, deadline=None)
@given(docs())
def test_the_lower_case_words_are_those_the_document_writes_in_lower_case(doc):
    lowered = DocumentFacts(doc).lowered
    written = {t.text for t in doc if t.is_lower}
    assert {w for w in [*WORDS, "unseen", "Unseen", ""] if w in lowered} == {w for w in WORDS if w in written}
    assert 42 not in lowered


def test_an_empty_document_has_no_facts():
    facts = DocumentFacts(Doc(VOCAB, words=[]))
    assert (facts.text, facts.orths, facts.starts, facts.ends) == ("", [], [], [])
    assert (facts.name_words, facts.flagged) == ([], 0)


def test_entities_are_read_once_and_stay_those_ner_gave():
    doc = Doc(VOCAB, words=["Ada", "Quist", "met", "Tartu", "officials"])
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 3, 4, label="GPE")]
    facts = DocumentFacts(doc)
    before = facts.ents
    doc.ents = [Span(doc, 3, 4, label="LOC")]
    assert facts.ents is before and [(e.text, e.label_) for e in before] == [("Ada Quist", "PERSON"), ("Tartu", "GPE")]
    assert facts.person_parts == {"ada", "quist"} and facts.place_names == {"tartu"}


def test_a_title_ner_took_into_a_persons_span_is_no_part_of_a_name():
    doc = Doc(VOCAB, words=["said", "Ashby", "Mayor", "Jo", "Quist", "and", "Gen.", "Ada", "Lind"])
    doc.ents = [Span(doc, 1, 3, label="PERSON"), Span(doc, 3, 5, label="PERSON"), Span(doc, 6, 9, label="PERSON")]
    assert DocumentFacts(doc).person_parts == {"jo", "quist", "ada", "lind"}  # not "ashby", "mayor", "gen"
