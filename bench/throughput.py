"""Words per second of the same spaCy pipeline without and with the normalizer, in one run.

    python bench/throughput.py [--docs N] [--rounds R] [--model NAME] [--no-blank] [FILE.jsonl|FILE.txt ...]

Measured side by side, on the same documents, in one run:

* ``bare``: the spaCy pipeline alone; ``normalizer``: with the normalizer (curated gazetteer only);
  ``normalizer_world``: with the normalizer and the GeoNames world layer (the same pipes).
* ``component``: the normalizer (with the world layer) alone, on copies of documents the same
  pipeline parsed once before timing (NER's output, as the component gets it in the pipeline);
  ``component_share`` is its time as a share of ``bare``'s.
* ``tokenizer``: spaCy's tokenizer alone (``spacy.blank``'s pipeline, no components) and
  ``blank_world``: ``--model blank:en`` with the normalizer and the world layer (``--no-blank``
  leaves both out).

Texts: the given files (JSONL records with "text", or plain text), else LGL and TR-News from
../shared/eval/geo when present, else the bundled sample and the seed article; ``--docs`` 0 (the
default) takes them all. Times are CPU seconds of this process (``time.process_time``), so another
process on the same core slows a run without skewing it much; words per second are therefore per
core. Every round times each pipeline on every chunk of ``CHUNK`` documents, one pipeline after
the other in an order that turns with each chunk, so a change in the machine's load falls on all
of them; a rate is the median over rounds, a ratio the median of the rounds' ratios against the
baseline of the same round (``bare``, or ``tokenizer`` for ``blank_world``). Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
CHUNK = 32  # documents timed in one go, one pipeline after the other (also spaCy's batch size)
NORMALIZER = "entity_normalizer"


def texts_from(paths: list[Path], limit: int) -> list[str]:
    out: list[str] = []
    for path in paths:
        if path.suffix == ".jsonl":
            out += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").split("\n") if line]
        else:
            out.append(path.read_text(encoding="utf-8"))
    if limit <= 0:
        return out or ["Troops left Kharkiv."]
    while len(out) < limit:
        out += out or ["Troops left Kharkiv."]
    return out[:limit]


def default_files() -> list[Path]:
    geo = [SHARED / "geo" / "lgl.jsonl", SHARED / "geo" / "tr-news.jsonl"]
    if all(p.is_file() for p in geo):
        return geo
    print(f"throughput: no LGL/TR-News texts at {SHARED / 'geo'}; timing the bundled sample instead",
          file=sys.stderr)  # a few hundred words: rates from them are not comparable with the README's
    return [ROOT / "data" / "sample.txt", *[p for p in (SHARED / "seed.jsonl",) if p.is_file()]]


def piped(nlp) -> Callable[[list[str]], int]:
    """Time-able run of a whole pipeline over some texts; returns the words."""
    def run(texts: list[str]) -> int:
        return sum(len(doc) for doc in nlp.pipe(texts, batch_size=CHUNK))
    return run


def component_alone(nlp) -> tuple[Callable[[list[str]], int], Callable[[list[str]], None]]:
    """The normalizer on its own: ``prepare(texts)`` parses them with the other pipes (before any
    timing), ``run(texts)`` then times the component on fresh copies of those parses."""
    component = nlp.get_pipe(NORMALIZER)
    parsed: dict[tuple[str, ...], list] = {}
    fresh: list = []

    def prepare(texts: list[str]) -> None:
        key = tuple(texts)
        if key not in parsed:
            with nlp.select_pipes(disable=[NORMALIZER]):
                parsed[key] = list(nlp.pipe(texts, batch_size=CHUNK))
        fresh[:] = [doc.copy() for doc in parsed[key]]  # copying is not timed

    def run(texts: list[str]) -> int:
        return sum(len(component(doc)) for doc in fresh)
    return run, prepare


def one_round(runs: dict, chunks: list[list[str]], turn: int) -> dict[str, tuple[float, int]]:
    """CPU seconds and words of each run over all chunks, interleaved chunk by chunk."""
    totals = {name: [0.0, 0] for name in runs}
    names = list(runs)
    for k, chunk in enumerate(chunks):
        shift = (k + turn) % len(names)
        for name in names[shift:] + names[:shift]:
            run, prepare = runs[name]
            if prepare is not None:
                prepare(chunk)
            start = time.process_time()
            words = run(chunk)
            totals[name][0] += time.process_time() - start
            totals[name][1] += words
    return {name: (seconds, words) for name, (seconds, words) in totals.items()}


def pipelines(args) -> dict:
    from normalizer import load, load_model

    world = load(args.model, args.gazetteer, world=True)
    alone, prepare = component_alone(world)
    runs = {
        "bare": (piped(load_model(args.model)), None),
        "normalizer": (piped(load(args.model, args.gazetteer, world=False)), None),
        "normalizer_world": (piped(world), None),
        "component": (alone, prepare),
    }
    if not args.no_blank:
        runs["tokenizer"] = (piped(load_model("blank:en")), None)
        runs["blank_world"] = (piped(load("blank:en", args.gazetteer, world=True)), None)
    return runs


RATIOS = {  # reported ratio: (measured, baseline of the same round)
    "ratio": ("normalizer", "bare"),
    "ratio_world": ("normalizer_world", "bare"),
    "component_share": ("component", "bare"),  # of time, not of words per second
    "blank_world_vs_tokenizer": ("blank_world", "tokenizer"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--docs", type=int, default=0, help="how many documents (0: all of the files')")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=None)
    parser.add_argument("--gazetteer", action="append", default=[])
    parser.add_argument("--no-blank", action="store_true", help="leave out the tokenizer and blank:en runs")
    args = parser.parse_args()
    # One thread, set before numpy loads: OpenBLAS's spinning helper thread would count as this
    # process's CPU time (and words per second are per core).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    texts = texts_from(args.files or default_files(), args.docs)
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    runs = pipelines(args)
    for run, prepare in runs.values():  # build the name index and the world layer's first answers
        if prepare is not None:
            prepare(["warm up: Kharkiv."])
        run(["warm up: Kharkiv."])
    rounds = [one_round(runs, chunks, turn) for turn in range(args.rounds)]
    rates = {name: statistics.median(r[name][1] / r[name][0] for r in rounds) for name in runs}
    ratios = {}
    for label, (measured, baseline) in RATIOS.items():
        if measured in runs:
            if label == "component_share":
                values = [r[measured][0] / r[baseline][0] for r in rounds]
            else:
                values = [(r[measured][1] / r[measured][0]) / (r[baseline][1] / r[baseline][0]) for r in rounds]
            ratios[label] = round(statistics.median(values), 4)
            ratios[f"{label}_rounds"] = [round(v, 4) for v in values]
    result = {
        "docs": len(texts),
        "words": rounds[0]["bare"][1],
        "rounds": args.rounds,
        "clock": "process_time",
        **{f"{name}_words_per_s": round(value) for name, value in rates.items()},
        **ratios,
    }
    print(json.dumps(result))
    sys.exit(0)


if __name__ == "__main__":
    main()
