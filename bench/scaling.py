"""How the normalizer's time grows with the length of one document, against spaCy's.

    python bench/scaling.py [--sizes 1,5,20,80,160] [--model NAME] [--no-world] [FILE.jsonl]

Joins the first N articles of ../shared/eval/geo/lgl.jsonl (or the given JSONL file; the bundled
data/sample.txt repeated when neither is there) into one text for each N, parses it once with the
spaCy pipeline (the normalizer disabled, timed: "spacy_s"), then times the normalizer component
alone on a copy of that parsed Doc, so each timing starts from NER's output ("normalizer_s", the
best of two runs or more). ``k`` is the exponent of seconds ~ characters^k fitted by
least squares on log-log, for the normalizer and for spaCy in the same run. Times are CPU seconds of
this process (``time.process_time``, one BLAS thread, as in ``throughput.py``), so other processes on
the machine slow a run less. Prints one JSON line per N, then one with the fits.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LGL = ROOT.parent / "shared" / "eval" / "geo" / "lgl.jsonl"
SAMPLE = ROOT / "data" / "sample.txt"
NORMALIZER = "entity_normalizer"
BUDGET_S = 1.0  # short texts are timed again until this much time was spent (best run counts)


def articles(path: Path | None) -> list[str]:
    path = path or (LGL if LGL.is_file() else None)
    if path is None:
        return [SAMPLE.read_text(encoding="utf-8")]
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def joined(texts: list[str], n: int) -> str:
    chosen = [texts[i % len(texts)] for i in range(n)]  # the sample repeated when there is only one
    return "\n\n".join(chosen)


def best_time(run, *, at_least: int = 1, budget: float = BUDGET_S) -> float:
    times: list[float] = []
    spent = 0.0
    while len(times) < at_least or spent < budget:
        seconds = run()
        times.append(seconds)
        spent += seconds
    return min(times)


def exponent(chars: list[int], seconds: list[float]) -> float:
    """The slope of log(seconds) against log(characters), least squares."""
    xs = [math.log(c) for c in chars]
    ys = [math.log(max(s, 1e-9)) for s in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=None)
    parser.add_argument("--sizes", default="1,5,20,80,160")
    parser.add_argument("--model", default=None)
    parser.add_argument("--no-world", action="store_true", help="the normalizer without the world layer")
    args = parser.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # before numpy loads
        os.environ.setdefault(var, "1")

    from normalizer import load

    nlp = load(args.model, world=not args.no_world)
    nlp.max_length = max(nlp.max_length, 5_000_000)
    normalizer = nlp.get_pipe(NORMALIZER)
    normalizer(nlp.make_doc("warm up: Kharkiv."))  # build the name index before timing
    texts = articles(args.file)
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        text = joined(texts, n)
        with nlp.select_pipes(disable=[NORMALIZER]):
            start = time.process_time()
            parsed = nlp(text)
            spacy_s = time.process_time() - start

        def run(parsed=parsed) -> float:
            doc = parsed.copy()  # NER's output, as the normalizer gets it in the pipeline
            start = time.process_time()
            normalizer(doc)
            return time.process_time() - start

        normalizer_s = best_time(run, at_least=2)
        row = {"articles": n, "chars": len(text), "spacy_s": round(spacy_s, 3), "normalizer_s": round(normalizer_s, 4)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    chars = [r["chars"] for r in rows]
    fits = {
        "k_normalizer": round(exponent(chars, [r["normalizer_s"] for r in rows]), 3),
        "k_spacy": round(exponent(chars, [r["spacy_s"] for r in rows]), 3),
        "world": not args.no_world,
    }
    print(json.dumps(fits))


if __name__ == "__main__":
    main()
