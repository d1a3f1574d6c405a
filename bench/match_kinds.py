"""How each match kind does against gold ids: counts and precision of exact/folded/translit/fuzzy/geonames.

    python bench/match_kinds.py GOLD.jsonl [GOLD.jsonl ...] [--model NAME] [--show fuzzy]

For every system span that lies exactly on a gold span with an id, the system id is right or wrong;
spans with no gold span at all are counted as "no gold span" (a false positive for recognition).
The fuzzy rows are the measured false positives of fuzzy matching. Prints a table.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", type=Path)
    parser.add_argument("--model", default=None)
    parser.add_argument("--show", default="fuzzy", help="match kind whose spans are listed")
    args = parser.parse_args()

    from normalizer import doc_records, load

    nlp = load(args.model)
    counts: Counter = Counter()
    shown = []
    for path in args.gold:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        for record, doc in zip(records, nlp.pipe((r["text"] for r in records), batch_size=32)):
            gold = {(s["start"], s["end"]): s for s in record["spans"]}
            for span in doc_records(doc):
                kind = "geonames" if span.get("variant_kind") == "geonames" else span["match"]
                if kind == "none":
                    continue
                g = gold.get((span["start"], span["end"]))
                if g is None:
                    verdict = "no gold span"
                elif not g.get("id"):
                    verdict = "gold without id"
                else:
                    ok = {g["id"], *g.get("alt_ids", [])}
                    verdict = "right id" if span["id"] in ok else "wrong id"
                counts[(kind, verdict)] += 1
                if kind == args.show:
                    shown.append(f"  {verdict:15} {span['text']!r} -> {span['id']} ({span['name']})"
                                 f" gold={g.get('id') if g else None}")
    kinds = sorted({k for k, _ in counts})
    verdicts = ["right id", "wrong id", "gold without id", "no gold span"]
    print(f"{'match':10}" + "".join(f"{v:>17}" for v in verdicts) + f"{'id precision':>14}")
    for kind in kinds:
        right, wrong = counts[(kind, "right id")], counts[(kind, "wrong id")]
        precision = f"{right / (right + wrong):.3f}" if right + wrong else "-"
        print(f"{kind:10}" + "".join(f"{counts[(kind, v)]:>17}" for v in verdicts) + f"{precision:>14}")
    if shown:
        print(f"\n{args.show} spans:")
        print("\n".join(shown))


if __name__ == "__main__":
    main()
