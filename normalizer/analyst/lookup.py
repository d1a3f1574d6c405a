"""``gazetteer lookup``: why a name resolves the way it does, in words an analyst follows.

The answer itself comes from the real ``Resolver``; the steps and candidates around it are judged
by the resolver's own functions (``resolve.refusal``, ``translit_refusal``, ``rank``,
``fuzzy_refusal``), whose reasons are put into words here: 1. the folded key, 2. the transliteration key
(only when one entry has it), 3. the GeoNames world layer (only for text NER tagged as a place),
ranked as with a document that says nothing else, 4. fuzzy matching (only for text NER tagged).
A test checks that the steps shown and the resolver's answer agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from ..gazetteer.judgements import rejection_for, same_name
from ..gazetteer.load import Gazetteer
from ..gazetteer.names import Name
from ..gazetteer.schema import PLACE_LABELS, TYPE_LABEL, label_fits
from ..pipeline.resolve import (
    FUZZY_MARGIN,
    FUZZY_WEIGHT,
    MATCH_SCORES,
    TRANSLIT_MIN_SIMILARITY,
    Rank,
    Refusal,
    Resolution,
    Resolver,
    fuzzy_refusal,
    rank,
    refusal,
    translit_refusal,
)
from ..text.keys import fold, translit_key
from ..world.places import WorldPlaces

NEAR_SPELLING_CUTOFF = 80.0  # near spellings shown for information below the real threshold


@dataclass
class Candidate:
    """One gazetteer name the looked-up name reaches, and whether the resolver may use it."""

    id: str
    entry_name: str
    entry_type: str
    matched: str
    variant_kind: str
    step: str
    match: str
    score: float
    usable: bool
    why: str
    weak: bool = False
    generated: bool = False
    rejected_by: str | None = None  # file:line of a `not:` judgement that applies here
    judgements: list[str] = field(default_factory=list)  # every `not:` of the entry about this name
    also: list[str] = field(default_factory=list)
    rank: tuple = ()

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "rank": list(self.rank)}


@dataclass
class WorldCandidate:
    """A GeoNames place the name may denote, with what is known of it before any document."""

    id: str
    name: str
    feature: str
    country: str
    population: int
    match: str
    prior: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Explanation:
    """Everything ``lookup`` says about one name."""

    name: str
    label: str | None
    country: str | None
    fold_key: str
    translit_key: str
    candidates: list[Candidate] = field(default_factory=list)
    result: Resolution | None = None
    because: str = ""
    notes: list[str] = field(default_factory=list)
    world: list[WorldCandidate] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        result = None
        if self.result is not None:
            r = self.result
            result = {"id": r.entry.canonical_id, "name": r.entry.name, "type": r.entry.type,
                      "matched": r.variant_name, "variant_kind": r.variant_kind, "match": r.match_kind,
                      "score": r.score, "alternatives": [{"id": i, "score": s} for i, s in r.alternatives]}
        return {"name": self.name, "label": self.label, "country": self.country,
                "keys": {"fold": self.fold_key, "translit": self.translit_key},
                "candidates": [c.as_dict() for c in self.candidates], "result": result,
                "because": self.because, "notes": self.notes, "world": [w.as_dict() for w in self.world]}


def explain(
    name: str, gazetteer: Gazetteer, *, label: str | None = None, country: str | None = None,
    fuzzy_threshold: float = 90.0, fuzzy_min_length: int = 5, world: WorldPlaces | None = None,
) -> Explanation:
    """Explain how ``name`` resolves: as NER's ``label`` if given, else as a name found in running text.

    ``country`` stands for a country cue next to the name ("Russia's ..."), which generic names need.
    ``world`` (the GeoNames layer) adds the places the name may denote when ``label`` is a place label.
    """
    index, from_ner = gazetteer.index, label is not None
    resolver = Resolver(index, fuzzy_threshold=fuzzy_threshold, fuzzy_min_length=fuzzy_min_length, world=world)
    out = Explanation(name, label, country, fold(name), translit_key(name))
    out.result = resolver.resolve(name, label=label, from_ner=from_ner, cue_country=country)
    if world is not None and label in PLACE_LABELS:
        key = fold(name)
        out.world = sorted(
            (WorldCandidate(p.canonical_id, p.name, p.feature, p.country, p.population, _via(p.name, m, key),
                            round(world.prior(p, m, key), 2))
             for p, m in world.candidates(name)),
            key=lambda w: w.prior, reverse=True,
        )
        if out.result is not None and out.result.variant_kind == "geonames":
            out.because = (f"the world layer: the most likely of {len(out.world)} GeoNames place(s) by feature "
                           "class, population and how the name matched (no curated name fits)")
    folded = _per_entry(index.by_fold.get(out.fold_key, []), name, "folded key", label, from_ner, country)
    seen = {fold(n.variant.name) for n in index.by_fold.get(out.fold_key, [])}
    by_skeleton = index.by_translit.get(out.translit_key, []) if out.translit_key else []
    by_skeleton = [n for n in by_skeleton if fold(n.variant.name) not in seen]
    translit = _per_entry(by_skeleton, name, "transliteration key", label, from_ner, country)
    out.candidates = folded + translit
    if any(c.usable for c in folded):
        out.because = _ranked_because("step 1 (same folded key)", folded, label)
    elif len({c.id for c in translit if c.usable}) == 1:
        out.because = "step 2: one entry has this transliteration key, so the tool takes it"
    elif len({c.id for c in translit if c.usable}) > 1:
        out.because = ("step 2: several entries share this transliteration key, so the tool does not guess "
                       "between them (nothing is chosen at this step)")
    if out.result is None or out.result.match_kind == "fuzzy":
        out.candidates += _fuzzy(name, out.fold_key, index, label, fuzzy_threshold, fuzzy_min_length, out)
    out.because = out.because or "no step found a usable name"
    if out.result is not None:
        rejected = rejection_for(out.result.entry, name, label)
        if rejected is not None:
            out.notes.append(
                f"an analyst's judgement ({rejected.path}:{rejected.line}) says {name!r} is not "
                f"{out.result.entry.canonical_id} in some label or context; here it does not apply")
    return out


def _via(place_name: str, match: str, key: str) -> str:
    if match != "fold":
        return "another romanization"
    return "its own name" if fold(place_name) == key else "an alternate name"


def _per_entry(names: list[Name], text: str, step: str, label, from_ner, country) -> list[Candidate]:
    """One candidate per entry: its first usable name (as the resolver picks), the others listed."""
    out: dict[str, Candidate] = {}
    for name in names:
        candidate = _candidate(name, text, step, label, from_ner, country)
        first = out.get(candidate.id)
        if first is None:
            out[candidate.id] = candidate
        elif candidate.usable and not first.usable:
            candidate.also = [first.matched, *first.also]
            out[candidate.id] = candidate
        else:
            first.also.append(candidate.matched)
    return sorted(out.values(), key=lambda c: (c.usable, c.rank), reverse=True)


def _candidate(name: Name, text: str, step: str, label, from_ner, country) -> Candidate:
    entry, variant = name.entry, name.variant
    kind = "exact" if variant.name == text else "folded"
    if step == "transliteration key":
        kind = "translit"
    refused = refusal(name, label, from_ner, country)
    if refused is None and step == "transliteration key":
        refused = translit_refusal(name, fold(text))
    ranked = rank(name, text, label, None) if refused is None else None
    why = _rank_words(ranked, name, label) if ranked else _refusal_words(refused, name, label)
    rejected = rejection_for(entry, text, label)
    return Candidate(
        id=entry.canonical_id, entry_name=entry.name or "", entry_type=entry.type or "",
        matched=variant.name, variant_kind=variant.kind, step=step, match=kind, score=MATCH_SCORES[kind],
        usable=ranked is not None, why=why, weak=variant.weak, generated=variant.generated,
        rejected_by=f"{rejected.path}:{rejected.line}" if rejected else None,
        judgements=[_judgement_words(r) for r in entry.rejected if same_name(r.name, text)],
        rank=tuple(ranked) if ranked else (),
    )


def _judgement_words(rejection) -> str:
    where = (f" when NER says {rejection.label}" if rejection.label else "") + (
        f" in the context {rejection.context!r}" if rejection.context else "")
    return f"not this entry{where or ', in any label or context'} ({rejection.path}:{rejection.line})"


def _refusal_words(refusal: Refusal, name: Name, label: str | None, *, ratio: float = 0.0,
                   threshold: float = 0.0, letters: int = 0, min_length: int = 0) -> str:
    """The resolver's reason (``resolve.Refusal``) in an analyst's words."""
    entry, variant = name.entry, name.variant
    fitting = "GPE, LOC or FAC" if TYPE_LABEL.get(entry.type or "") in PLACE_LABELS else entry.label
    words = {
        Refusal.GENERIC: (f"a generic name: used only when a country cue next to it names {entry.country} "
                          "(e.g. \"Russia's ...\"; try --country)"),
        Refusal.WEAK_IN_TEXT: f"a weak name: never searched for in running text, only for text NER tagged {fitting}",
        Refusal.WEAK_LABEL: f"a weak name: used only when NER's label fits a {entry.type} ({fitting}), not {label}",
        Refusal.NO_ROMANIZATION: ("the same transliteration key, but this entry's names do not vary by "
                                  "romanization (no Cyrillic native name or country)"),
        Refusal.NOT_ALIKE: (f"the same transliteration key, but {variant.name!r} does not look alike enough "
                            f"(similarity below {TRANSLIT_MIN_SIMILARITY:g})"),
        Refusal.TOO_SHORT: f"too short for fuzzy matching ({letters} letters, needs {min_length})",
        Refusal.BELOW_THRESHOLD: f"similarity {ratio:.0f} is below the threshold {threshold:g}",
        Refusal.OTHER_LETTER: "starts with another letter",
        Refusal.WEAK: "a weak name is never matched fuzzily",
        Refusal.GENERIC_CLOSE: "a generic name is never matched fuzzily",
        Refusal.LONE_SURNAME: "one word is never matched fuzzily to a person (many people share near-spellings)",
        Refusal.DERIVED: f"a word made from {variant.name!r} (like 'Kyivan' from 'Kyiv'), not a misspelling",
    }
    return words[refusal]


def _rank_words(ranked: Rank, name: Name, label: str | None) -> str:
    fits = label is None or label_fits(name.entry.type or "", label)
    parts = [
        "label fits (+2)" if fits and label else ("no label to check (+2)" if fits else f"{label} does not fit (+0)"),
        "weak name (+0)" if name.variant.weak else "plain name (+1)",
    ]
    ties = ["spelled exactly so" if ranked.exact else "spelled differently",
            "listed by an analyst" if ranked.curated else "generated from a native name",
            "has coordinates" if ranked.located else "no coordinates"]
    return f"usable; points {ranked.points}: {', '.join(parts)}; ties broken by: {', '.join(ties)}"


def _ranked_because(step: str, candidates: list[Candidate], label: str | None) -> str:
    usable = [c for c in candidates if c.usable]
    if len(usable) == 1:
        return f"{step}: one entry has a usable name with this key"
    first, second = usable[0], usable[1]
    deciding = next((i for i, (a, b) in enumerate(zip(first.rank, second.rank)) if a != b), None)
    words = ["more points", "spelled exactly so", "listed by an analyst, not generated", "has coordinates"]
    on = words[deciding] if deciding is not None else "the order of the gazetteer files (a full tie)"
    return (f"{step}: {len(usable)} entries have a usable name with this key; {first.id} wins over "
            f"{second.id} on: {on}. (Points: label fits +2, plain name +1; in a document also +1 when the "
            "entry, its parent or its country is already mentioned, which can change the winner.)")


def _fuzzy(text, key, index, label, threshold, min_length, out: Explanation) -> list[Candidate]:
    """Mirror of ``Resolver._fuzzy`` (NER spans only), plus near spellings for information."""
    if label is None:
        keys, names = list(index.by_fold), [found[0] for found in index.by_fold.values()]
        cutoff = NEAR_SPELLING_CUTOFF
        out.notes.append("fuzzy matching (step 3) applies only to text NER tagged: give --label to see it")
    else:
        keys, names = index.fuzzy_choices(label)
        cutoff = min(threshold, NEAR_SPELLING_CUTOFF)
    hits = process.extract(key, keys, scorer=fuzz.ratio, limit=8, score_cutoff=cutoff)
    reasons = [_fuzzy_words(key, k, ratio, names[i], label, threshold, min_length) for k, ratio, i in hits]
    passing = [(names[i], ratio) for (_, ratio, i), why in zip(hits, reasons) if not why]
    close = [n for n, ratio in passing[1:]
             if n.entry.canonical_id != passing[0][0].entry.canonical_id and passing[0][1] - ratio < FUZZY_MARGIN]
    found = []
    for (_, ratio, i), why in zip(hits, reasons):
        name = names[i]
        if not why and close:
            why = (f"two entries ({passing[0][0].entry.canonical_id}, {close[0].entry.canonical_id}) are within "
                   f"{FUZZY_MARGIN:g} points of each other: too close to pick either")
        elif not why and name is not passing[0][0]:
            why = f"similarity {ratio:.0f}: a closer spelling comes first"
        found.append(Candidate(
            id=name.entry.canonical_id, entry_name=name.entry.name or "", entry_type=name.entry.type or "",
            matched=name.variant.name, variant_kind=name.variant.kind, step="close spelling", match="fuzzy",
            score=round(ratio / 100 * FUZZY_WEIGHT, 3), usable=not why,
            why=why or f"usable; similarity {ratio:.0f} of 100, the closest",
            weak=name.variant.weak, generated=name.variant.generated,
        ))
    if out.result is not None and out.result.match_kind == "fuzzy":
        out.because = (f"step 3: the closest spelling ({out.result.variant_name!r}) is at least {threshold:g} "
                       f"similar and no other entry is within {FUZZY_MARGIN:g} points")
    return found


def _fuzzy_words(key: str, matched: str, ratio: float, name: Name, label: str | None, threshold: float,
                 min_length: int) -> str:
    """Why the resolver would not take this close spelling, in words ("" when it may)."""
    if label is None:
        return "near spelling only: fuzzy matching needs a label from NER"
    refused = fuzzy_refusal(key, matched, name, ratio, threshold=threshold, min_length=min_length)
    if refused is None:
        return ""
    return _refusal_words(refused, name, label, ratio=ratio, threshold=threshold,
                          letters=sum(c.isalpha() for c in key), min_length=min_length)
