"""``gazetteer lookup`` as plain text: the explanation of ``lookup.explain`` for a terminal."""
from __future__ import annotations

from .lookup import Candidate, Explanation

WORLD_SHOWN = 8
STEPS = {
    "folded key": "Step 1: the same name up to case, accents, apostrophes, hyphens, full stops, "
                  "a leading 'the' and a possessive",
    "transliteration key": "Step 2: the same name in another romanization (Izyum = Izjum = Izium)",
    "close spelling": "Step 3: close misspellings (fuzzy matching)",
}


def format_explanation(exp: Explanation) -> str:
    """The explanation as plain text for a terminal."""
    how = (f"as text NER tagged {exp.label}" if exp.label
           else "as a name found in running text (no NER label; --label shows a span NER tagged)")
    if exp.country:
        how += f", with a country cue for {exp.country} next to it"
    where = "the curated gazetteer and the GeoNames world layer" if exp.world else "the curated gazetteer"
    lines = [f"{exp.name!r} looked up {how}, in {where}", "", "Keys the name folds to:",
             f"  folded key           {exp.fold_key!r}",
             f"  transliteration key  {exp.translit_key!r}" if exp.translit_key
             else "  transliteration key  none (names under 4 letters have none)"]
    decided = False
    for step, title in STEPS.items():
        found = [c for c in exp.candidates if c.step == step]
        lines += ["", title + ":"]
        if not found:
            lines.append("  not reached: an earlier step decided" if decided else "  nothing found")
        elif decided:
            lines.append("  (not used: an earlier step decided; shown for information)")
        for c in found:
            lines.append(f"  {c.id}  {c.entry_name} ({c.entry_type}), via {c.matched!r} ({_kind_words(c)}), "
                         f"match {c.match}, score {c.score:g}")
            lines.append(f"      {c.why}")
            if c.also:
                lines.append(f"      also reached through: {', '.join(repr(a) for a in c.also)}")
            lines += [f"      an analyst's judgement: {words}" for words in c.judgements]
        decided = decided or any(c.usable for c in found)
    if exp.world:
        lines += ["", "World places (GeoNames), for text NER tagged as a place, before any document context "
                  "(a document's countries, regions, nearby places and 'City, State' can change the order):"]
        for w in exp.world[:WORLD_SHOWN]:
            lines.append(f"  {w.id}  {w.name} ({w.feature}, {w.country or '-'}, population {w.population:,}), "
                         f"via {w.match}, prior {w.prior:g}")
        if len(exp.world) > WORLD_SHOWN:
            lines.append(f"  ... and {len(exp.world) - WORLD_SHOWN} more")
    lines.append("")
    r = exp.result
    if r is None:
        lines.append("Result: nothing; the mention stays unresolved (id null)")
        if exp.label is None:
            exp.notes.append("annotate also tries the GeoNames world layer for places NER tagged: "
                             "look up with --label GPE to see it")
    else:
        lines.append(f"Result: {r.entry.canonical_id} {r.entry.name} ({r.entry.type}), via {r.variant_name!r}, "
                     f"match {r.match_kind}, score {r.score:g}")
        if r.alternatives:
            others = ", ".join(f"{i} ({s:g})" for i, s in r.alternatives)
            lines.append(f"Also possible (reported as alternatives): {others}")
    lines.append(f"Why: {exp.because}")
    lines += [f"Note: {note}" for note in exp.notes]
    return "\n".join(lines)


def _kind_words(c: Candidate) -> str:
    if c.variant_kind == "canonical":
        words = "the canonical name"
    elif c.variant_kind == "native":
        words = "a native name"
    elif c.generated:
        words = f"generated from a native name, {c.variant_kind}"
    else:
        words = f"a listed variant, kind {c.variant_kind}"
    return words + (", weak" if c.weak else "")
