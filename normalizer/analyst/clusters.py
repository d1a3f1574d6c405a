"""Group the mentions ``suggest`` collects into clusters that are probably one entity.

Three passes, OpenRefine-style:
1. the corpus's own identities: mentions that ``annotate`` gives one provisional id
   (:mod:`normalizer.corpus.identities`: spellings, a surname and its one full name, initials, a
   defined acronym, one name labelled two ways) are one cluster from the start, so a proposal
   carries every variant the run joined;
2. key collision: the same ``fold`` key, then the same ``translit_key`` (Kupyans'k = Kupyansk,
   Izyum = Izjum) when the names are also alike (:func:`~normalizer.pipeline.resolve.alike_spellings`);
3. nearest neighbour: a cluster joins its closest other cluster when their most frequent forms are
   at least ``similarity`` alike (rapidfuzz ratio), start with the same letter, have 5+ letters
   and NER gave them the same kind of label (person, organization, place).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..corpus.identities import corpus_identities, document_names
from ..gazetteer.schema import PLACE_LABELS
from ..pipeline.resolve import alike_spellings
from ..text.keys import fold, translit_key

MIN_FUZZY_LETTERS = 5


@dataclass
class Sighting:
    """One mention NER found that the gazetteer did not resolve (or resolved only fuzzily)."""

    text: str
    label: str
    doc_id: str
    start: int
    end: int
    before: str = ""
    after: str = ""
    fuzzy_id: str | None = None
    fuzzy_name: str | None = None
    fuzzy_score: float = 0.0


@dataclass
class Cluster:
    """Sightings that are probably one entity."""

    sightings: list[Sighting] = field(default_factory=list)

    @property
    def forms(self) -> Counter[str]:
        return Counter(s.text for s in self.sightings)

    @property
    def labels(self) -> Counter[str]:
        return Counter(s.label for s in self.sightings)

    @property
    def label(self) -> str:
        """The label NER gave most often (ties: the first seen)."""
        return self.labels.most_common(1)[0][0]

    @property
    def documents(self) -> list[str]:
        return list(dict.fromkeys(s.doc_id for s in self.sightings))

    @property
    def name(self) -> str:
        """The most frequent form; for people, the most frequent form of two or more words."""
        ranked = [form for form, _ in self.forms.most_common()]
        if self.label == "PERSON":
            full = [form for form in ranked if len(form.split()) > 1]
            if full:
                return full[0]
        return ranked[0]

    def distinct_forms(self) -> list[str]:
        """One form per fold key, most frequent first."""
        out: dict[str, str] = {}
        for form, _ in self.forms.most_common():
            out.setdefault(fold(form), form)
        return list(out.values())


def label_group(label: str) -> str:
    return "PLACE" if label in PLACE_LABELS else label


def cluster_sightings(sightings: list[Sighting], *, similarity: float = 88.0) -> list[Cluster]:
    """Cluster sightings; clusters come back largest first (then by name)."""
    by_key: dict[str, Cluster] = {}
    shown = _identity_names(sightings)
    for sighting in sightings:
        key = fold(shown.get(id(sighting), sighting.text))
        if key:
            by_key.setdefault(key, Cluster()).sightings.append(sighting)
    keys = list(by_key)
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            big, small = (ra, rb) if len(by_key[ra].sightings) >= len(by_key[rb].sightings) else (rb, ra)
            parent[small] = big

    by_skeleton: dict[str, list[str]] = {}
    for key in keys:
        skeleton = translit_key(key)
        if skeleton:
            for other in by_skeleton.setdefault(skeleton, []):
                if alike_spellings(key, other):
                    union(other, key)
            by_skeleton[skeleton].append(key)
    _nearest_neighbours(keys, by_key, union, similarity)
    merged: dict[str, Cluster] = {}
    for key in keys:
        merged.setdefault(find(key), Cluster()).sightings.extend(by_key[key].sightings)
    return sorted(merged.values(), key=lambda c: (-len(c.sightings), -len(c.documents), c.name))


def _identity_names(sightings: list[Sighting]) -> dict[int, str]:
    """id(sighting) -> the name of the corpus identity an unresolved sighting has (pass 1)."""
    documents: dict[str, list[Sighting]] = {}
    for sighting in sightings:
        if sighting.fuzzy_id is None:
            documents.setdefault(sighting.doc_id, []).append(sighting)
    records = [_record(found) for found in documents.values()]
    identities = corpus_identities(records)
    out = {}
    for record, found in zip(records, documents.values()):
        for i, name in document_names(record).uses:
            if name in identities:
                out[id(found[i])] = identities[name].name
    return out


def _record(found: list[Sighting]) -> dict:
    """One document's sightings as the record ``annotate`` writes (its text as far as they show it)."""
    text = [" "] * max(s.end + len(s.after) for s in found)
    for s in found:  # every window is the document's own text at its own offsets, so overlaps agree
        text[s.start - len(s.before): s.end + len(s.after)] = s.before + s.text + s.after
    spans = [{"start": s.start, "end": s.end, "text": s.text, "label": s.label, "id": None} for s in found]
    return {"text": "".join(text), "spans": spans}


def _nearest_neighbours(keys, by_key, union, similarity: float) -> None:
    candidates = [k for k in keys if sum(c.isalpha() for c in k) >= MIN_FUZZY_LETTERS]
    if len(candidates) < 2:
        return
    groups = [label_group(by_key[k].label) for k in candidates]
    for i, key in enumerate(candidates):
        hits = process.extract(key, candidates, scorer=fuzz.ratio, limit=4, score_cutoff=similarity)
        for other, _, j in hits:
            if j != i and other[:1] == key[:1] and groups[j] == groups[i]:
                union(key, other)
                break
