"""Group the mentions ``suggest`` collects into clusters that are probably one entity.

Three passes, OpenRefine-style:
1. key collision: the same ``fold`` key, then the same ``translit_key`` (Kupyans'k = Kupyansk,
   Izyum = Izjum) when the names are also alike (``TRANSLIT_MIN_SIMILARITY``);
2. nearest neighbour: a cluster joins its closest other cluster when their most frequent forms are
   at least ``similarity`` alike (rapidfuzz ratio), start with the same letter, have 5+ letters
   and NER gave them the same kind of label (person, organization, place);
3. surnames: a one-word name joins the only person of its document whose name ends with it, and
   a one-word person cluster joins the only multi-word person cluster ending with it
   ("Testenko" joins "Olena Testenko").
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..gazetteer.schema import PLACE_LABELS
from ..text.keys import fold, translit_key

MIN_FUZZY_LETTERS = 5
# The transliteration key is made for romanized Cyrillic; on other names it also joins Woltz and
# Volts. Names sharing a key join only if also this alike (Izyum/Izjum 80, Sumy/Sumi 75, Woltz/Volts 60).
TRANSLIT_MIN_SIMILARITY = 70.0


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
    full_names = _full_names_by_document(sightings)
    for sighting in sightings:
        key = fold(sighting.text)
        key = full_names.get((sighting.doc_id, key), key)
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
                if fuzz.ratio(key, other) >= TRANSLIT_MIN_SIMILARITY:
                    union(other, key)
            by_skeleton[skeleton].append(key)
    _nearest_neighbours(keys, by_key, union, similarity)
    _surnames(keys, by_key, union, find)
    merged: dict[str, Cluster] = {}
    for key in keys:
        merged.setdefault(find(key), Cluster()).sightings.extend(by_key[key].sightings)
    return sorted(merged.values(), key=lambda c: (-len(c.sightings), -len(c.documents), c.name))


def _full_names_by_document(sightings: list[Sighting]) -> dict[tuple[str, str], str]:
    """(document, surname key) -> full name key, where one person of the document ends with that
    word: the bare "Testenko" of a document that names "Olena Testenko" is her, whatever NER's label."""
    endings: dict[tuple[str, str], set[str]] = {}
    for s in sightings:
        key = fold(s.text)
        if s.label == "PERSON" and " " in key:
            endings.setdefault((s.doc_id, key.rsplit(" ", 1)[1]), set()).add(key)
    return {where: next(iter(keys)) for where, keys in endings.items() if len(keys) == 1}


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


def _surnames(keys, by_key, union, find) -> None:
    people = [k for k in keys if by_key[k].label == "PERSON"]
    endings: dict[str, set[str]] = {}
    for key in people:
        words = key.split(" ")
        if len(words) > 1:
            endings.setdefault(words[-1], set()).add(find(key))
    for key in people:
        if " " not in key and len(endings.get(key, ())) == 1:
            union(next(iter(endings[key])), key)
