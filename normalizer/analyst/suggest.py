"""``suggest``: from a corpus, proposals for the gazetteer that an analyst reviews.

Mentions NER found that resolved to nothing, or only by a fuzzy match, are clustered
(``clusters.py``) and ranked by frequency. A cluster close to an existing entry (it was fuzzily
resolved to it, shares a transliteration key with one of its names, or is a near spelling)
becomes "add these variants to entry X"; any other cluster becomes "new entry". Analysts'
``not:`` judgements are honoured: a rejected pairing, or a name judged to be no entity, is never
proposed again. Nothing here writes to a gazetteer (see ``patch.py``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein
from spacy.tokens import Doc

from ..gazetteer.judgements import is_not_entity, is_rejected
from ..gazetteer.load import Gazetteer
from ..gazetteer.schema import PLACE_LABELS, Entry, label_fits
from ..pipeline.resolve import FUZZY_WEIGHT, MATCH_SCORES
from ..text.keys import fold, slug, translit_key
from ..text.words import words
from ..world.index import GeoNamesIndex
from .clusters import MIN_FUZZY_LETTERS, Cluster, Sighting, cluster_sightings

WINDOW = 60  # characters of context on each side of a mention
LABEL_MISFIT_PENALTY = 0.05  # in ranking targets: NER's label is a hint, often wrong on rare names
NEAR_SPELLING = 85.0  # below the resolver's own fuzzy threshold (90): these are proposals, not matches
MAX_CONTEXT = 3
LABEL_TYPE = {"PERSON": "person", "ORG": "organization", "FAC": "facility", "LOC": "area", "GPE": "city"}
_TYPE_WORDS = (  # a last word that says more than NER's label
    ({"oblast", "region", "province", "state", "krai", "kray", "county", "governorate"}, "region"),
    ({"district", "raion", "rayon"}, "district"),
    ({"river"}, "river"), ({"sea", "strait", "gulf", "bay", "reservoir"}, "sea"), ({"lake"}, "lake"),
    ({"mountains", "mountain", "mount", "range", "hills"}, "mountain"),
)
_ID_PREFIX = {"person": "person", "organization": "org"}
# Words before a person's name that are not part of it (Mrs Okafor, MP Dana Whitcombe, Gen. Gerasimov).
PLACE_SIZES = ((50_000, "city"), (5_000, "town"), (0, "village"))  # population -> type of a GeoNames place


@dataclass
class Proposal:
    """One proposed change: variants for an existing entry, or a new entry."""

    action: str  # "add-variants" or "new-entry"
    cluster: Cluster
    names: list[str]
    score: float
    reason: str
    entry: Entry | None = None
    new: dict[str, Any] | None = None  # the new entry's fields: id, name, type (, country, lat, lon)
    contexts: list[str] = field(default_factory=list)


def sightings_of(doc: Doc, doc_id: str) -> list[Sighting]:
    """The unresolved and fuzzily resolved NER mentions of a processed Doc (a person's title dropped)."""
    out = []
    text = doc.text
    for ent in doc.ents:
        kind, label = ent._.match_kind, ent._.ner_label
        if kind not in ("none", "fuzzy") or not label:
            continue
        fuzzy = kind == "fuzzy"
        start, end = ent.start_char, ent.end_char
        if label == "PERSON":
            start = _after_titles(text, start, end)
        out.append(Sighting(
            text=text[start:end], label=label, doc_id=doc_id, start=start, end=end,
            before=text[max(0, start - WINDOW): start], after=text[end: end + WINDOW],
            fuzzy_id=ent.kb_id_ if fuzzy else None, fuzzy_name=ent._.variant if fuzzy else None,
            fuzzy_score=ent._.match_score if fuzzy else 0.0,
        ))
    return out


@cache
def _title_pattern() -> re.Pattern[str]:
    """Leading person titles ("Mrs ", "Dr. "), from the ``person_titles`` word list (read on first use)."""
    titles = "|".join(sorted(words("person_titles"), key=len, reverse=True))
    return re.compile(r"(?:" + titles + r")\b\.?\s+", re.IGNORECASE)


def _after_titles(text: str, start: int, end: int) -> int:
    """Where a person's name starts after leading titles: "Mrs Okafor" -> "Okafor"."""
    while (found := _title_pattern().match(text, start, end)) and found.end() < end:
        start = found.end()
    return start


def propose(
    sightings: Iterable[Sighting], gazetteer: Gazetteer, *, min_count: int = 2, limit: int | None = None,
    places: GeoNamesIndex | None = None,
) -> list[Proposal]:
    """Cluster the sightings and turn the clusters (most frequent first) into proposals.

    ``places``: the GeoNames index the run resolved places with, if any; a new place's id, type
    and coordinates are taken from it when exactly one populated place has the name.
    """
    kept = [s for s in sightings if not is_not_entity(gazetteer.not_entities, s.text, s.label,
                                                      before=s.before, after=s.after)]
    index = gazetteer.index
    taken = set(gazetteer.entries)
    proposals = []
    for cluster in cluster_sightings(kept):
        unknown = [s for s in cluster.sightings if fold(s.text) not in index.by_fold]
        if len(unknown) < min_count:
            continue  # too rare, or only names the gazetteer has (weak or generic ones NER mislabelled)
        proposal = _existing(Cluster(unknown), gazetteer) or _new_entry(Cluster(unknown), gazetteer, taken, places)
        if proposal is None:
            continue
        proposal.contexts = kwic(proposal.cluster.sightings)
        proposals.append(proposal)
        if limit is not None and len(proposals) >= limit:
            break
    return proposals


def _evidence(cluster: Cluster, gazetteer: Gazetteer) -> dict[str, tuple[float, float, str]]:
    """Entry id -> (rank, score, why) for every entry the cluster's names may be: the tool's own
    fuzzy matches, the same transliteration key, near spellings (with a penalty for another label)."""
    evidence: dict[str, tuple[float, float, str]] = {}

    def note(entry_id: str, score: float, why: str, *, penalty: float = 0.0) -> None:
        if score - penalty > evidence.get(entry_id, (0.0,))[0]:
            evidence[entry_id] = (score - penalty, score, why)

    index = gazetteer.index
    for sighting in cluster.sightings:
        if sighting.fuzzy_id:
            note(sighting.fuzzy_id, sighting.fuzzy_score,
                 f"the tool already matched {sighting.text!r} to it by a close spelling ({sighting.fuzzy_name!r})")
    for form in cluster.distinct_forms():
        skeleton = translit_key(form)
        for name in index.by_translit.get(skeleton, []) if skeleton else []:
            if name.variant.kind != "generic":
                note(name.entry.canonical_id, MATCH_SCORES["translit"],
                     f"{form!r} is {name.variant.name!r} in another romanization (same key {skeleton!r})")
        key = fold(form)
        if sum(c.isalpha() for c in key) < MIN_FUZZY_LETTERS:
            continue
        for other, ratio, _ in process.extract(key, list(index.by_fold), scorer=fuzz.ratio, limit=5,
                                               score_cutoff=NEAR_SPELLING):
            for name in index.by_fold[other] if other[:1] == key[:1] else []:
                fits = any(label_fits(name.entry.type or "", label) for label in cluster.labels)
                if not fits and DamerauLevenshtein.distance(key, other) > 1:
                    continue  # another kind of label: only a single typo counts (Kupianks, not Liberal/Liberia)
                note(name.entry.canonical_id, round(ratio / 100 * FUZZY_WEIGHT, 3),
                     f"{form!r} is a near spelling of {name.variant.name!r} (similarity {ratio:.0f} of 100)",
                     penalty=0 if fits else LABEL_MISFIT_PENALTY)
    return evidence


def _existing(cluster: Cluster, gazetteer: Gazetteer) -> Proposal | None:
    """The best existing entry for the cluster, with evidence, skipping rejected pairings."""
    ranked = sorted(_evidence(cluster, gazetteer).items(), key=lambda kv: -kv[1][0])
    for entry_id, (rank, score, why) in ranked:
        entry = gazetteer.get(entry_id)
        if entry is None:
            continue
        fitting = [s for s in cluster.sightings
                   if not is_rejected(entry, s.text, s.label, before=s.before, after=s.after)]
        if not fitting:
            continue  # an analyst said these names are not this entry
        others = [e for e, (r, _, _) in ranked if e != entry_id and rank - r < 0.05]
        if others:
            why += f"; also close: {', '.join(others[:3])}"
        return _to_entry(Cluster(fitting), entry, score, why)
    return None


def _to_entry(cluster: Cluster, entry: Entry, score: float, reason: str) -> Proposal:
    if not any(label_fits(entry.type or "", label) for label in cluster.labels):
        reason += f"; note: NER labelled it {cluster.label}, the entry is a {entry.type}"
    return Proposal("add-variants", cluster, cluster.distinct_forms(), score, reason, entry=entry)


def _new_entry(
    cluster: Cluster, gazetteer: Gazetteer, taken: set[str], places: GeoNamesIndex | None
) -> Proposal | None:
    name = cluster.name
    entry_type = guess_type(name, cluster.label)
    labels = ", ".join(f"{label} {n}" for label, n in cluster.labels.most_common())
    reason = f"no entry is close; type guessed from NER's labels ({labels})"
    fields: dict[str, Any] = {}
    if places is not None and cluster.label in PLACE_LABELS:
        fields, why = _geonames(name, entry_type, places)
        entry_type = fields.pop("type", entry_type)
        reason += f"; {why}"
    new_id = fields.pop("id", None)
    entry = gazetteer.get(new_id) if new_id else None
    if entry is not None:  # GeoNames' place is an entry already: these are names it lacks
        return _to_entry(cluster, entry, 0.85, f"GeoNames calls {entry.canonical_id} {name!r} too")
    if new_id is None or new_id in taken:
        new_id = unique_id(make_id(entry_type, name), taken)
    if new_id is None:
        return None
    taken.add(new_id)
    names = [name] + [f for f in cluster.distinct_forms() if fold(f) != fold(name)]
    new = {"id": new_id, "name": name, "type": entry_type, **fields}
    if len(names) > 1:
        new["variants"] = names[1:]
    return Proposal("new-entry", cluster, names, 0.0, reason, new=new)


def _geonames(name: str, entry_type: str, places: GeoNamesIndex) -> tuple[dict[str, Any], str]:
    """Id, type, country and coordinates from GeoNames when one populated place has this name."""
    found = [place for place, how in places.candidates(name, limit=6) if how == "fold"]
    if len(found) == 1:
        place = found[0]
        kind = {"country": "country", "admin1": "region", "admin2": "region"}.get(place.feature) or next(
            t for limit, t in PLACE_SIZES if place.population >= limit)
        fields = {"id": place.canonical_id, "type": kind, "country": place.country,
                  "lat": place.lat, "lon": place.lon}
        return ({k: v for k, v in fields.items() if v is not None},
                f"GeoNames has one place of this name ({place.canonical_id}, {place.country}, "
                f"population {place.population}): check it is the one meant")
    if found:
        listed = ", ".join(f"{p.canonical_id} ({p.country}, population {p.population})" for p in found[:3])
        return {}, f"GeoNames has {len(found)} places of this name, e.g. {listed}: use the right id"
    if entry_type == "city":
        return {"type": "region"}, ("GeoNames has no populated place (500+ people) of this name, so a "
                                    "region, state or province is likely: check the type")
    return {}, "GeoNames has no populated place of this name"


def guess_type(name: str, label: str) -> str:
    """An entry type from NER's label, refined by a telling last word (Oblast, River, Sea...)."""
    last = fold(name).rsplit(" ", 1)[-1]
    if label in PLACE_LABELS:
        for words, entry_type in _TYPE_WORDS:
            if last in words:
                return entry_type
    return LABEL_TYPE.get(label, "organization")


def make_id(entry_type: str, name: str) -> str | None:
    """A slug id for a new entry: person:olena-testenko, org:..., place:... (None if no letters)."""
    text = slug(name)
    return f"{_ID_PREFIX.get(entry_type, 'place')}:{text}" if text else None


def unique_id(candidate: str | None, taken: set[str]) -> str | None:
    if candidate is None or candidate not in taken:
        return candidate
    number = 2
    while f"{candidate}-{number}" in taken:
        number += 1
    return f"{candidate}-{number}"


def kwic(sightings: list[Sighting], *, limit: int = MAX_CONTEXT, width: int = 50) -> list[str]:
    """Up to ``limit`` keyword-in-context lines, from different documents first."""
    chosen, docs = [], set()
    for pass_ in (0, 1):
        for s in sightings:
            if len(chosen) >= limit:
                break
            if (pass_ == 0 and s.doc_id in docs) or s in chosen:
                continue
            chosen.append(s)
            docs.add(s.doc_id)
    return [f"{_clip(s.before, width, left=True)}[{s.text}]{_clip(s.after, width, left=False)}" for s in chosen]


def _clip(text: str, width: int, *, left: bool) -> str:
    """At most ``width`` characters of ``text`` next to the mention, cut at a space, lines joined.
    A full ``WINDOW`` was itself cut from the document, so it is cut again at a word."""
    cut = len(text) >= WINDOW
    text = re.sub(r"\s+", " ", text)
    if len(text) <= width and not cut:
        return text
    if left:
        piece = text[-width:]
        return "…" + piece[piece.find(" "):] if " " in piece else "…" + piece
    piece = text[:width]
    return piece[: piece.rfind(" ")] + "…" if " " in piece else piece + "…"
