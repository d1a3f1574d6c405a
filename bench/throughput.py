"""Words per second of the same spaCy pipeline without and with the normalizer, in one run.

Three pipelines: bare spaCy; with the normalizer (curated gazetteer only); with the normalizer
and the GeoNames world layer. "ratio" and "ratio_world" are against bare spaCy in the same run.

    python bench/throughput.py [--docs N] [--rounds R] [--model NAME] [FILE.jsonl|FILE.txt ...]

Texts: the given files (JSONL records with "text", or plain text), else the bundled sample and
../shared/eval's corpora when present. Both pipelines process the same documents, alternating
in each round; the reported number is the median over rounds. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def texts_from(paths: list[Path], limit: int) -> list[str]:
    out: list[str] = []
    for path in paths:
        if path.suffix == ".jsonl":
            out += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").split("\n") if line]
        else:
            out.append(path.read_text(encoding="utf-8"))
    while len(out) < limit:
        out += out or ["Troops left Kharkiv."]
    return out[:limit]


def timed(nlp, texts: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
    return time.perf_counter() - start, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=None)
    parser.add_argument("--gazetteer", action="append", default=[])
    args = parser.parse_args()

    from normalizer import load, load_model

    default = [ROOT / "data" / "sample.txt"]
    shared = ROOT.parent / "shared" / "eval"
    default += [p for p in (shared / "geo" / "tr-news.jsonl", shared / "seed.jsonl") if p.is_file()]
    texts = texts_from(args.files or default, args.docs)

    pipelines = {
        "bare": load_model(args.model),
        "normalizer": load(args.model, args.gazetteer, world=False),
        "normalizer_world": load(args.model, args.gazetteer, world=True),
    }
    for nlp in pipelines.values():
        nlp("warm up: Kharkiv.")  # build the name index before timing
    rates: dict[str, list[float]] = {name: [] for name in pipelines}
    for _ in range(args.rounds):
        for name, nlp in pipelines.items():  # same documents, one after the other, each round
            seconds, words = timed(nlp, texts)
            rates[name].append(words / seconds)
    median = {name: statistics.median(values) for name, values in rates.items()}
    result = {
        "docs": len(texts),
        "words": words,
        "rounds": args.rounds,
        "pipeline": pipelines["bare"].meta.get("name"),
        **{f"{name}_words_per_s": round(value) for name, value in median.items()},
        "ratio": round(median["normalizer"] / median["bare"], 3),
        "ratio_world": round(median["normalizer_world"] / median["bare"], 3),
    }
    print(json.dumps(result))
    sys.exit(0)


if __name__ == "__main__":
    main()
