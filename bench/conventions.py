"""How many gold toponyms of a corpus follow other conventions than ../shared/eval/README.md.

    python bench/conventions.py GOLD.jsonl [GOLD.jsonl ...]

Counts gold spans with an id that are (a) nationality adjectives: one token that spaCy tags as
an adjective (JJ) or a plural proper noun (NNPS), or that has a nationality suffix and is not tagged
a singular proper noun ("Chilean", "Peruvians"); (b) inside a longer NER name: a span strictly
inside an NER entity at least 4 characters longer ("Ohio" in "the Ohio Parks Board").
Under this project's conventions neither is an entity. Prints one line per corpus.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

NATIONALITY = re.compile(r"^[A-Z][a-z]+(ian|ean|ese|ish|ic|i|an)s?$")


def main() -> None:
    from normalizer import load_model

    nlp = load_model()
    for path in map(Path, sys.argv[1:]):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        total = adjectives = nested = 0
        for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
            ents = [(e.start_char, e.end_char) for e in doc.ents if e.label_ != "DATE"]
            for span in record["spans"]:
                if not span.get("id"):
                    continue
                total += 1
                tokens = [t for t in doc if span["start"] <= t.idx < span["end"]]
                if len(tokens) == 1 and (
                    tokens[0].tag_ in ("JJ", "NNPS") or (NATIONALITY.match(span["text"]) and tokens[0].tag_ != "NNP")
                ):
                    adjectives += 1
                elif any(a <= span["start"] and span["end"] <= b and b - a > len(span["text"]) + 3 for a, b in ents):
                    nested += 1
        print(f"{path}: {total} gold toponyms with an id; {adjectives} nationality adjectives; "
              f"{nested} inside a longer NER name")


if __name__ == "__main__":
    main()
