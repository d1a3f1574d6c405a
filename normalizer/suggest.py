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

from anyascii import anyascii
from rapidfuzz import fuzz, process
from spacy.tokens import Doc

from .clusters import MIN_FUZZY_LETTERS, Cluster, Sighting, cluster_sightings
from .gazetteer import Gazetteer
from .judgements import is_not_entity, is_rejected
from .keys import fold, translit_key
from .resolve import FUZZY_WEIGHT, MATCH_SCORES
from .schema import Entry, label_fits

WINDOW = 60  # characters of context on each side of a mention
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


@dataclass
class Proposal:
    """One proposed change: variants for an existing entry, or a new entry."""

    action: str  # "add-variants" or "new-entry"
    cluster: Cluster
    names: list[str]
    score: float
    reason: str
    entry: Entry | None = None
    new_id: str | None = None
    new_type: str | None = None
    contexts: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.names[0] if self.action == "new-entry" else ", ".join(self.names)


def sightings_of(doc: Doc, doc_id: str) -> list[Sighting]:
    """The unresolved and fuzzily resolved NER mentions of a processed Doc."""
    out = []
    text = doc.text
    for ent in doc.ents:
        kind, label = ent._.match_kind, ent._.ner_label
        if kind not in ("none", "fuzzy") or not label:
            continue
        fuzzy = kind == "fuzzy"
        out.append(Sighting(
            text=ent.text, label=label, doc_id=doc_id, start=ent.start_char, end=ent.end_char,
            before=text[max(0, ent.start_char - WINDOW): ent.start_char], after=text[ent.end_char: ent.end_char + WINDOW],
            fuzzy_id=ent.kb_id_ if fuzzy else None, fuzzy_name=ent._.variant if fuzzy else None,
            fuzzy_score=ent._.match_score if fuzzy else 0.0,
        ))
    return out


def propose(
    sightings: Iterable[Sighting], gazetteer: Gazetteer, *, min_count: int = 2, limit: int | None = None,
) -> list[Proposal]:
    """Cluster the sightings and turn the clusters (most frequent first) into proposals."""
    kept = [s for s in sightings if not is_not_entity(gazetteer.not_entities, s.text, s.label,
                                                      before=s.before, after=s.after)]
    index = gazetteer.index
    taken = set(gazetteer.entries)
    proposals = []
    for cluster in cluster_sightings(kept):
        unknown = [s for s in cluster.sightings if fold(s.text) not in index.by_fold]
        if len(unknown) < min_count:
            continue  # too rare, or only names the gazetteer has (weak or generic ones NER mislabelled)
        proposal = _existing(Cluster(unknown), gazetteer) or _new_entry(Cluster(unknown), taken)
        if proposal is None:
            continue
        proposal.contexts = kwic(proposal.cluster.sightings)
        proposals.append(proposal)
        if limit is not None and len(proposals) >= limit:
            break
    return proposals


def _existing(cluster: Cluster, gazetteer: Gazetteer) -> Proposal | None:
    """The best existing entry for the cluster, with evidence, skipping rejected pairings."""
    evidence: dict[str, tuple[float, str]] = {}

    def note(entry_id: str, score: float, why: str) -> None:
        if score > evidence.get(entry_id, (0.0, ""))[0]:
            evidence[entry_id] = (score, why)

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
        keys, names = index.fuzzy_choices(cluster.label)
        for other, ratio, i in process.extract(key, keys, scorer=fuzz.ratio, limit=5, score_cutoff=NEAR_SPELLING):
            if other[:1] == key[:1]:
                note(names[i].entry.canonical_id, round(ratio / 100 * FUZZY_WEIGHT, 3),
                     f"{form!r} is a near spelling of {names[i].variant.name!r} (similarity {ratio:.0f} of 100)")
    ranked = sorted(evidence.items(), key=lambda kv: -kv[1][0])
    for entry_id, (score, why) in ranked:
        entry = gazetteer.get(entry_id)
        if entry is None:
            continue
        fitting = [s for s in cluster.sightings
                   if not is_rejected(entry, s.text, s.label, before=s.before, after=s.after)]
        if not fitting:
            continue  # an analyst said these names are not this entry
        accepted = Cluster(fitting)
        reason = why
        if not any(label_fits(entry.type or "", label) for label in accepted.labels):
            reason += f"; note: NER labelled it {accepted.label}, the entry is a {entry.type}"
        others = [e for e, (s, _) in ranked if e != entry_id and score - s < 0.05]
        if others:
            reason += f"; also close: {', '.join(others[:3])}"
        return Proposal("add-variants", accepted, accepted.distinct_forms(), score, reason, entry=entry)
    return None


def _new_entry(cluster: Cluster, taken: set[str]) -> Proposal | None:
    name = cluster.name
    entry_type = guess_type(name, cluster.label)
    new_id = unique_id(make_id(entry_type, name), taken)
    if new_id is None:
        return None
    taken.add(new_id)
    names = [name] + [f for f in cluster.distinct_forms() if fold(f) != fold(name)]
    labels = ", ".join(f"{label} {n}" for label, n in cluster.labels.most_common())
    reason = f"no entry is close; type guessed from NER's labels ({labels})"
    return Proposal("new-entry", cluster, names, 0.0, reason, new_id=new_id, new_type=entry_type)


def guess_type(name: str, label: str) -> str:
    """An entry type from NER's label, refined by a telling last word (Oblast, River, Sea...)."""
    last = fold(name).rsplit(" ", 1)[-1]
    if label in ("GPE", "LOC", "FAC"):
        for words, entry_type in _TYPE_WORDS:
            if last in words:
                return entry_type
    return LABEL_TYPE.get(label, "organization")


def slug(name: str) -> str:
    """Lower-case ASCII letters, digits and hyphens from a name: "Kup'yans'k-Vuzlovyi" -> "kupyansk-vuzlovyi"."""
    text = anyascii(name).lower().replace("'", "").replace("`", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


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
    return [f"{_squash(s.before[-width:])}[{s.text}]{_squash(s.after[:width])}" for s in chosen]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)
