"""One id per unknown entity across a corpus: names per document, one clustering step, assignment.

A mention the gazetteer does not resolve gets a provisional id ``new:person:…``, ``new:org:…``
or ``new:place:…`` (``match: "new"``), the same for every mention of that entity in the run.
Three stages of plain values, shared by every backend (serial, ``--jobs``, Dask), so each gives
the same ids for the same corpus in any order of documents:

1. ``document_names(record)``: the name each unresolved span goes by in its document. A surname
   alone ("Okafor") or initials with a surname ("A. Okafor") take the one full name of the
   document they fit ("Adaeze Okafor"); an acronym defined in the text ("Northern Grain
   Cooperative (NGC)") takes its expansion, and the definition is kept for other documents.
2. ``cluster(names)``: over the distinct names of the corpus with their counts (memory grows with
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

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..gazetteer.schema import PLACE_LABELS
from ..pipeline.resolve import alike_spellings
from ..text.keys import fold, slug, translit_key
from ..text.words import words as word_list

NEW_PREFIX = "new"
NEW_MATCH = "new"
KIND_OF_LABEL = {"PERSON": "person", "ORG": "org", **{label: "place" for label in sorted(PLACE_LABELS)}}
LABEL_OF_KIND = {"person": "PERSON", "org": "ORG", "place": "GPE"}  # a span whose cluster is of another kind
KIND_ORDER = ("person", "org", "place")  # a tie between kinds goes to the first
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True, order=True)
class Name:
    """A name of an unknown entity as the corpus writes it: ``kind`` (person, org, place) and form."""

    kind: str
    form: str


@dataclass(frozen=True)
class DocumentNames:
    """What one document says about its unknown entities.

    ``uses``: (index in the record's spans, name) for every unresolved span. ``acronyms``:
    (acronym, expansion) pairs the text defines.
    """

    uses: tuple[tuple[int, Name], ...]
    acronyms: tuple[tuple[Name, Name], ...] = ()


@dataclass(frozen=True)
class Identity:
    """The provisional id of one cluster, the name it is shown by, and its kind (person, org, place)."""

    id: str
    name: str
    kind: str = ""


def _tidy(text: str) -> str:
    return _POSSESSIVE.sub("", " ".join(text.split())).strip()


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1 and word[:1].isalpha()


def _words(form: str) -> list[str]:
    """The name's words, initials split ("A.N." -> "A.", "N."), a generational suffix left out."""
    found = form.replace(".", ". ").split()
    while len(found) > 1 and found[-1].rstrip(".,").lower() in word_list("name_suffixes"):
        found.pop()
    return found


def is_full_person(form: str) -> bool:
    """Two words or more, the first not an initial: "Adaeze Okafor", "Adaeze N. Okafor"."""
    words = _words(form)
    return len(words) >= 2 and not _is_initial(words[0])


def _surname_key(form: str) -> str:
    return translit_key(_words(form)[-1]) or fold(_words(form)[-1])


def _given_key(form: str) -> str:
    return translit_key(_words(form)[0]) or fold(_words(form)[0])


def _fits(short: str, full: str) -> bool:
    """Does the short form ("Okafor", "A. Okafor", "A.N. Okafor") fit the full name?"""
    words, full_words = _words(short), _words(full)
    if _surname_key(short) != _surname_key(full) or not alike_spellings(fold(words[-1]), fold(full_words[-1])):
        return False
    initials = [w.rstrip(".")[0].lower() for w in words[:-1]]
    given = [w[0].lower() for w in full_words[:-1]]
    return all(i in given for i in initials) and (not initials or initials[0] == given[0])


def acronym_of(form: str) -> str:
    """The initials of a name's capitalized words: "Northern Grain Cooperative" -> "NGC"."""
    words = [w for w in form.replace("-", " ").split() if w.lower() not in word_list("acronym_stop_words")]
    return "".join(w[0] for w in words if w[:1].isupper())


def document_names(record: Mapping[str, Any]) -> DocumentNames:
    """Stage 1: the names of the document's unresolved spans (see the module docstring)."""
    spans = record.get("spans") or []
    text = record.get("text") or ""
    unresolved = [(i, span, KIND_OF_LABEL[span["label"]], _tidy(span["text"])) for i, span in enumerate(spans)
                  if span.get("label") in KIND_OF_LABEL and _unresolved(span)]
    fulls: dict[str, list[str]] = {}
    for _, _, kind, form in unresolved:
        if kind == "person" and is_full_person(form):
            fulls.setdefault(_surname_key(form), []).append(form)
    expansions = _defined_acronyms(unresolved, text)
    uses = []
    acronyms = [(Name("org", acronym), Name("org", expansion)) for acronym, expansion in expansions.items()]
    for i, _, kind, form in unresolved:
        if not form:
            continue
        if kind == "org" and form in expansions:
            form = expansions[form]
        elif not is_full_person(form) and (kind == "person" or len(_words(form)) == 1):
            # a surname (or initials and a surname) and the one person of the document it fits; a
            # one-word name NER called an organization or a place, too ("Okafor said" tagged ORG)
            fitting = sorted({f for f in fulls.get(_surname_key(form), ()) if _fits(form, f)})
            if len(fitting) == 1:
                kind, form = "person", fitting[0]
        uses.append((i, Name(kind, form)))
    return DocumentNames(tuple(uses), tuple(sorted(set(acronyms))))


def _unresolved(span: Mapping[str, Any]) -> bool:
    found = span.get("id")
    return found is None or str(found).startswith(f"{NEW_PREFIX}:")


def _defined_acronyms(unresolved, text: str) -> dict[str, str]:
    """Acronyms the text defines right after an unresolved organization's name: "… Cooperative (NGC)"."""
    out: dict[str, str] = {}
    for _, span, kind, form in unresolved:
        if kind != "org":
            continue
        after = text[span["end"]:span["end"] + 12]
        found = re.match(r"\s*\(([^()]{2,8})\)", after)
        if found and _ACRONYM.fullmatch(found.group(1)) and acronym_of(form) == found.group(1).replace("&", ""):
            out.setdefault(found.group(1), form)
    return out


class _Clusters:
    """Union-find over names, joining always towards the smaller name, so the result is the same in any order."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.parent = {name: name for name in names}

    def find(self, name: Name) -> Name:
        root = name
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[name] != root:
            self.parent[name], name = root, self.parent[name]
        return root

    def join(self, a: Name, b: Name) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = sorted((ra, rb))
            self.parent[high] = low

    def groups(self) -> dict[Name, list[Name]]:
        out: dict[Name, list[Name]] = {}
        for name in sorted(self.parent):
            out.setdefault(self.find(name), []).append(name)
        return out


def cluster(counts: Mapping[Name, int], *, acronyms: Mapping[tuple[Name, Name], int] | None = None,
            ) -> dict[Name, Identity]:
    """Stage 2: the identity of every distinct name, from the corpus's names and their counts."""
    clusters = _Clusters(counts)
    by_key: dict[tuple[str, str], list[Name]] = {}
    for name in sorted(counts):
        if name.kind != "person" or is_full_person(name.form):
            by_key.setdefault((name.kind, translit_key(name.form) or fold(name.form)), []).append(name)
    for same in by_key.values():
        _join_alike(same, clusters)
    _join_kinds(counts, clusters)
    _join_people(counts, clusters)
    _join_acronyms(acronyms or {}, clusters)
    return _identities(counts, clusters)


def _join_alike(names: list[Name], clusters: _Clusters) -> None:
    """Names of one transliteration key join when their spellings are alike (Verkhovskyi and
    Verkhovsky, not Woltz and Volts: the key is made for romanized Cyrillic)."""
    for i, name in enumerate(names):
        for other in names[:i]:
            if alike_spellings(fold(name.form), fold(other.form)):
                clusters.join(other, name)


def _join_kinds(counts: Mapping[Name, int], clusters: _Clusters) -> None:
    """One name NER labels as different kinds in different documents ("Harbor Radio" ORG here,
    PERSON there) is one entity: its mentions join, and the kind most of them got wins."""
    kinds: dict[str, list[Name]] = {}
    for name in sorted(counts):
        if name.kind != "person" or is_full_person(name.form) or len(_words(name.form)) == 1:
            kinds.setdefault(fold(name.form), []).append(name)
    for same in kinds.values():
        if len({n.kind for n in same}) > 1:
            for other in same[1:]:
                clusters.join(same[0], other)


def _kind(members: list[Name], counts: Mapping[Name, int]) -> str:
    written: Counter[str] = Counter()
    for name in members:
        written[name.kind] += counts[name]
    return min(written, key=lambda kind: (-written[kind], KIND_ORDER.index(kind)))


def _join_people(counts: Mapping[Name, int], clusters: _Clusters) -> None:
    fulls: dict[str, list[Name]] = {}
    for name in sorted(counts):
        if name.kind == "person" and is_full_person(name.form):
            fulls.setdefault(_surname_key(name.form), []).append(name)
    for same_surname in fulls.values():
        _join_full_names(same_surname, clusters)
    shorts = [n for n in sorted(counts) if n.kind == "person" and not is_full_person(n.form)]
    orphans: dict[str, list[Name]] = {}
    for short in shorts:
        key = _surname_key(short.form)
        roots = {clusters.find(f) for f in fulls.get(key, ()) if _fits(short.form, f.form)}
        if len(roots) == 1:
            clusters.join(roots.pop(), short)
        elif key not in fulls:
            orphans.setdefault(key, []).append(short)
    # With no full name of that surname in the corpus, the bare surname and one set of initials are one person.
    for same in orphans.values():
        if len({_initials(s.form) for s in same if len(_words(s.form)) > 1}) <= 1:
            for i, short in enumerate(same):
                for other in same[:i]:
                    if alike_spellings(fold(_words(short.form)[-1]), fold(_words(other.form)[-1])):
                        clusters.join(other, short)


def _join_full_names(names: list[Name], clusters: _Clusters) -> None:
    """Full names of one surname key, the most specific first ("Paul R. Nwosu" before "Paul Nwosu"):
    each joins the one group whose every name it agrees with (the given-name key, no middle names
    that differ); a name that agrees with two groups stays on its own."""
    groups: list[list[Name]] = []
    for name in sorted(names, key=lambda n: (-len(_words(n.form)), n.form)):
        fitting = [g for g in groups if all(_same_person(name.form, other.form) for other in g)]
        if len(fitting) == 1:
            fitting[0].append(name)
            clusters.join(fitting[0][0], name)
        elif not fitting:
            groups.append([name])


def _same_person(a: str, b: str) -> bool:
    return _given_key(a) == _given_key(b) and _middles_agree(a, b) and alike_spellings(fold(a), fold(b))


def _initials(form: str) -> tuple[str, ...]:
    return tuple(w[0].lower() for w in _words(form)[:-1])


def _middles_agree(a: str, b: str) -> bool:
    """"Adaeze N. Okafor" and "Adaeze Okafor" may be one person; "… N. Okafor" and "… T. Okafor" not."""
    first, second = set(_initials(a)[1:]), set(_initials(b)[1:])
    return first <= second or second <= first


def _join_acronyms(acronyms: Mapping[tuple[Name, Name], int], clusters: _Clusters) -> None:
    meanings: dict[Name, set[Name]] = {}
    for acronym, expansion in acronyms:
        if acronym in clusters.parent and expansion in clusters.parent:
            meanings.setdefault(acronym, set()).add(clusters.find(expansion))
    for acronym, roots in sorted(meanings.items()):
        if len(roots) == 1:
            clusters.join(acronym, roots.pop())


def _best(members: list[Name], counts: Mapping[Name, int]) -> Name:
    def preference(name: Name) -> tuple:
        full = name.kind != "person" or is_full_person(name.form)
        acronym = bool(_ACRONYM.fullmatch(name.form))
        return (not full, acronym, -counts[name], -len(name.form), name.form)

    return min(members, key=preference)


def _identities(counts: Mapping[Name, int], clusters: _Clusters) -> dict[Name, Identity]:
    named = []
    for members in clusters.groups().values():
        kind = _kind(members, counts)
        best = _best([m for m in members if m.kind == kind], counts)
        named.append((f"{NEW_PREFIX}:{kind}:{slug(best.form) or 'unnamed'}", best.form, kind, members))
    out: dict[Name, Identity] = {}
    taken: Counter[str] = Counter()
    for base, shown, kind, members in sorted(named, key=lambda n: (n[0], n[3])):
        taken[base] += 1
        identity = Identity(base if taken[base] == 1 else f"{base}-{taken[base]}", shown, kind)
        for member in members:
            out[member] = identity
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
        self.acronyms.update(found.acronyms)
        for acronym, _ in found.acronyms:
            self.counts[acronym] += 0  # an acronym written elsewhere on its own joins its expansion

    def merge(self, other: CorpusNames) -> CorpusNames:
        """Add ``other``'s counts; returns this one."""
        for name, n in other.counts.items():
            self.counts[name] += n
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
        return {"names": [[n.kind, n.form, c] for n, c in sorted(self.counts.items())],
                "acronyms": [[a.kind, a.form, e.form, c] for (a, e), c in sorted(self.acronyms.items())]}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> CorpusNames:
        return cls(Counter({Name(kind, form): c for kind, form, c in value["names"]}),
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
            spans[i].update(id=identity.id, name=identity.name, match=NEW_MATCH)
            if identity.kind and KIND_OF_LABEL[spans[i]["label"]] != identity.kind:
                spans[i]["label"] = LABEL_OF_KIND[identity.kind]
    return {**record, "spans": spans}


def corpus_identities(records: Iterable[Mapping[str, Any]]) -> dict[Name, Identity]:
    """Stages 1 and 2 over an iterable of records (read once)."""
    return corpus_names(records).identities()
