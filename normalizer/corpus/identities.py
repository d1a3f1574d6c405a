"""One id per unknown entity across a corpus: names per document, one clustering step, assignment.

A mention the gazetteer does not resolve gets a provisional id ``new:person:…``, ``new:org:…``
or ``new:place:…`` (``match: "new"``), the same for every mention of that entity in the run.
Three stages of plain values, shared by every backend (serial, ``--jobs``, Dask), so each gives
the same ids for the same corpus in any order of documents:

1. ``document_names(record)``: the name each unresolved span goes by in its document. A surname
   alone ("Okafor") or initials with a surname ("A. Okafor") take the one full name of the
   document they fit ("Adaeze Okafor"); a given name alone the one full name of the document with
   that given name, when no one there has it as a family name; an acronym defined in the text ("Northern Grain
   Cooperative (NGC)") takes its expansion, and the definition is kept for other documents.
2. ``cluster(names)`` (:mod:`normalizer.corpus.clustering`; the shape of names in
   :mod:`normalizer.corpus.name_forms`): over the distinct names of the corpus with their counts (memory grows with
   distinct names, not documents). Full names join when their transliteration keys
   (``normalizer.text.keys.translit_key``: Kolomoyskyi/Kolomoisky) agree, or, for people, when
   the surname keys agree and the given names do too. A short form joins the one full name it
   fits; when two full names share the surname, it stays apart (ambiguity is never forced). An
   acronym joins its expansion when the corpus defines it one way only.
3. ``assign(record, identities)``: the record with its unresolved spans' ids, names and match.

The id is made from the cluster's best name (the full name written most often; ties go to the
longer, then the first in alphabetical order) with ``slug``; two clusters whose names slug alike
get ``-2``, ``-3`` … in a fixed order.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..text.acronyms import acronym_of, defined_after
from ..text.keys import fold, looks_slavic
from ..text.words import words as word_list
from .clustering import cluster
from .name_forms import (
    KIND_OF_LABEL,
    LABEL_OF_KIND,
    NEW_PREFIX,
    Identity,
    Name,
    fitting,
    given_key,
    is_full_person,
    name_words,
    surname_key,
    tidy,
)

__all__ = ["CorpusNames", "DocumentNames", "Identity", "Name", "acronym_of", "assign", "cluster", "corpus_identities",
           "corpus_names", "document_names"]


@dataclass(frozen=True)
class DocumentNames:
    """What one document says about its unknown entities.

    ``uses``: (index in the record's spans, name) for every unresolved span. ``acronyms``:
    (acronym, expansion) pairs the text defines.
    """

    uses: tuple[tuple[int, Name], ...]
    acronyms: tuple[tuple[Name, Name], ...] = ()
    known: tuple[Name, ...] = ()  # the curated people it names in full


def document_names(record: Mapping[str, Any]) -> DocumentNames:
    """Stage 1: the names of the document's unresolved spans (see the module docstring)."""
    spans = record.get("spans") or []
    text = record.get("text") or ""
    unresolved = [(i, span, KIND_OF_LABEL[span["label"]], tidy(span["text"])) for i, span in enumerate(spans)
                  if span.get("label") in KIND_OF_LABEL and _unresolved(span)]
    fulls: dict[str, set[Name]] = {}
    for _, _, kind, form in unresolved:
        if kind == "person" and is_full_person(form):
            fulls.setdefault(surname_key(form), set()).add(Name(kind, form))
    known = sorted({Name("person", span["name"], span["id"]) for span in spans if _curated_person(span)})
    for name in known:
        fulls.setdefault(surname_key(name.form), set()).add(name)
    givens: dict[str, set[Name]] = {}
    for same_surname in fulls.values():
        for name in same_surname:
            if not _place_or_body_word(name_words(name.form)[-1]):  # not "Ashby Station" NER called a person
                givens.setdefault(given_key(name.form), set()).add(name)
    expansions = _defined_acronyms(unresolved, text)
    uses = []
    acronyms = [(Name("org", acronym), Name("org", expansion)) for acronym, expansion in expansions.items()]
    for i, _, kind, form in unresolved:
        if not form:
            continue
        if kind == "org" and form in expansions:
            form = expansions[form]
        elif kind != "person" and _given_and_surname(form):
            kind = "person"  # "Bohdan Verkhovskyi" NER called a place or an organization
        elif not is_full_person(form) and (kind == "person" or len(name_words(form)) == 1):
            # a surname (or initials and a surname) and the one person of the document it fits; a
            # one-word name NER called an organization or a place, too ("Okafor said" tagged ORG)
            candidates = fitting(form, fulls.get(surname_key(form), ()))
            if not candidates and kind == "person" and len(name_words(form)) == 1 and surname_key(form) not in fulls:
                # a given name alone, as Thai and Indonesian news name people, and features too: the
                # one person of the document of that given name, when no one there has it as surname
                candidates = sorted(givens.get(given_key(form), ()))
            if len(candidates) == 1:
                uses.append((i, candidates[0]))
                continue
        uses.append((i, Name(kind, form)))
    return DocumentNames(tuple(uses), tuple(sorted(set(acronyms))), tuple(known))


def _given_and_surname(form: str) -> bool:
    """Two capitalized words, the first a Slavic given name, the second no place or organization word:
    a person's name, whatever NER's label ("Bohdan Verkhovskyi"; not "Bohdan Square")."""
    words = form.split()
    return (len(words) == 2 and all(w[:1].isupper() and w.isalpha() for w in words)
            and fold(words[0]) in word_list("slavic_given_names") and looks_slavic(words[1])
            and not _place_or_body_word(words[1]))


def _place_or_body_word(word: str) -> bool:
    """A word that ends the names of features and bodies, not of people ("River", "Station", "Council")."""
    return fold(word) in word_list("feature_words") or fold(word) in word_list("generic_words")


def _curated_person(span: Mapping[str, Any]) -> bool:
    return (span.get("label") == "PERSON" and bool(span.get("id")) and not _unresolved(span)
            and isinstance(span.get("name"), str) and is_full_person(span["name"]))


def _unresolved(span: Mapping[str, Any]) -> bool:
    found = span.get("id")
    return found is None or str(found).startswith(f"{NEW_PREFIX}:")


def _defined_acronyms(unresolved, text: str) -> dict[str, str]:
    """Acronyms the text defines right after an unresolved organization's name: "… Cooperative (NGC)"."""
    out: dict[str, str] = {}
    for _, span, kind, form in unresolved:
        if kind != "org":
            continue
        acronym = defined_after(text, span["end"], form)
        if acronym is not None:
            out.setdefault(acronym, form)
    return out


@dataclass
class CorpusNames:
    """Stage 1 over many documents: the count of every distinct name and of every acronym definition.

    Two of them merge (:meth:`merge`) in any order into the same counts, so a cluster can count per
    partition and reduce (:mod:`normalizer.dask`); they travel as JSON (:meth:`to_json`).
    """

    counts: Counter[Name] = field(default_factory=Counter)
    acronyms: Counter[tuple[Name, Name]] = field(default_factory=Counter)

    def add(self, record: Mapping[str, Any]) -> None:
        found = document_names(record)
        self.counts.update(name for _, name in found.uses)
        self.counts.update(found.known)
        self.acronyms.update(found.acronyms)
        for acronym, _ in found.acronyms:
            self.counts[acronym] += 0  # an acronym written elsewhere on its own joins its expansion

    def merge(self, other: CorpusNames) -> CorpusNames:
        """Add ``other``'s counts (names counted 0 stay: an acronym's definition); returns this one."""
        self.counts.update(other.counts)
        self.acronyms.update(other.acronyms)
        return self

    @classmethod
    def combine(cls, parts: Iterable[CorpusNames]) -> CorpusNames:
        out = cls()
        for part in parts:
            out.merge(part)
        return out

    def identities(self) -> dict[Name, Identity]:
        """Stage 2: the identity of every distinct name."""
        return cluster(self.counts, acronyms=self.acronyms)

    def to_json(self) -> dict[str, Any]:
        return {"names": [[n.kind, n.form, c, *([n.id] if n.id else [])] for n, c in sorted(self.counts.items())],
                "acronyms": [[a.kind, a.form, e.form, c] for (a, e), c in sorted(self.acronyms.items())]}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> CorpusNames:
        return cls(Counter({Name(kind, form, *known): c for kind, form, c, *known in value["names"]}),
                   Counter({(Name(kind, a), Name(kind, e)): c for kind, a, e, c in value["acronyms"]}))


def corpus_names(records: Iterable[Mapping[str, Any]]) -> CorpusNames:
    """Stage 1 over a corpus (each record read once)."""
    names = CorpusNames()
    for record in records:
        names.add(record)
    return names


def assign(record: Mapping[str, Any], identities: Mapping[Name, Identity]) -> dict[str, Any]:
    """Stage 3: the record with provisional ids on its unresolved spans (other spans untouched)."""
    found = document_names(record)
    if not found.uses:
        return dict(record)
    spans = [dict(span) for span in record["spans"]]
    for i, name in found.uses:
        identity = identities.get(name)
        if identity is not None:
            spans[i].update(id=identity.id, name=identity.name, match=identity.match)
            if identity.kind and KIND_OF_LABEL[spans[i]["label"]] != identity.kind:
                spans[i]["label"] = LABEL_OF_KIND[identity.kind]
    return {**record, "spans": spans}


def corpus_identities(records: Iterable[Mapping[str, Any]]) -> dict[Name, Identity]:
    """Stages 1 and 2 over an iterable of records (read once)."""
    return corpus_names(records).identities()
