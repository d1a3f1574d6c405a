"""Matching fast by design: gazetteer-only throughput, the component's share of spaCy's time, fuzzy search.

    python bench/matching.py [--docs N] [--rounds R] [--model NAME] [--skip-trained] [FILE.jsonl ...]

Texts: the given JSONL files (records with "text"; lines split on "\\n" only), else LGL and
TR-News from ../shared/eval/geo, else the bundled sample repeated. Prints one JSON line per part:

1. ``gazetteer_only``: words/s of ``--model blank:en`` with the normalizer without and with the
   world layer, and of spaCy's tokenizer alone (``spacy.blank("en")``) over the same texts, in the
   same run; the three alternate in each round. Per core: words per second of wall time and of
   this process's CPU time (the machine may be shared). ``first``: the first round (every cache
   cold); the other figures are medians over the rounds. Ratios are against the tokenizer.
2. ``component_share``: the trained pipeline parses the texts once with the normalizer disabled
   (spaCy's time); then the normalizer alone runs on copies of those Docs, ``--rounds`` times:
   its time as a share of spaCy's.
3. ``fuzzy``: every fuzzy search the component made in part 2 (NER spans no curated name or world
   place took), timed with the search as it was (``fuzzy_unblocked``: all keys scored, the best 8
   kept, then filtered) and as it is (``Resolver._fuzzy``: blocked by length and first letter,
   remembered per key), with its memo empty and then full. Both must give the same resolutions.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus_texts(files: list[Path], docs: int | None) -> list[str]:
    shared = ROOT.parent / "shared" / "eval" / "geo"
    files = files or [p for p in (shared / "lgl.jsonl", shared / "tr-news.jsonl") if p.is_file()]
    texts = [json.loads(line)["text"] for f in files for line in f.read_text(encoding="utf-8").split("\n") if line]
    if not texts:
        texts = [(ROOT / "data" / "sample.txt").read_text(encoding="utf-8")] * (docs or 200)
    return texts[:docs] if docs else texts


def timed(run) -> tuple[float, float]:
    """Wall and CPU seconds of ``run()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def gazetteer_only(texts: list[str], rounds: int) -> dict:
    import spacy

    from normalizer import load

    pipelines = {"tokenizer": spacy.blank("en"), "no_world": load("blank:en", world=False),
                 "world": load("blank:en", world=True)}
    words = sum(len(doc) for doc in pipelines["tokenizer"].pipe(texts))
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in pipelines}
    for _ in range(rounds):
        for name, nlp in pipelines.items():
            seconds[name].append(timed(lambda nlp=nlp: sum(1 for _ in nlp.pipe(texts, batch_size=32))))
    out: dict = {"part": "gazetteer_only", "docs": len(texts), "words": words, "rounds": rounds}
    for name, runs in seconds.items():
        out[f"{name}_words_per_s"] = round(words / statistics.median(w for w, _ in runs))
        out[f"{name}_words_per_cpu_s"] = round(words / statistics.median(c for _, c in runs))
        out[f"{name}_first_words_per_cpu_s"] = round(words / runs[0][1])
    for name in ("no_world", "world"):
        out[f"ratio_{name}"] = round(out[f"{name}_words_per_cpu_s"] / out["tokenizer_words_per_cpu_s"], 3)
        out[f"ratio_{name}_first"] = round(out[f"{name}_first_words_per_cpu_s"] / out["tokenizer_words_per_cpu_s"], 3)
    return out


def component_share(texts: list[str], rounds: int, model: str | None) -> tuple[dict, list[tuple[str, str]]]:
    from spacy.tokens import DocBin

    from normalizer import load

    nlp = load(model, world=True)
    component = nlp.get_pipe("entity_normalizer")
    with nlp.select_pipes(disable=["entity_normalizer"]):
        parsed: list = []
        wall, cpu = timed(lambda: parsed.extend(nlp.pipe(texts, batch_size=32)))
    data = DocBin(docs=parsed).to_bytes()
    queries: list[tuple[str, str]] = []
    resolver = component.resolver
    searched = resolver._fuzzy

    def recorded(key: str, label: str):
        queries.append((key, label))
        return searched(key, label)

    runs = []
    for number in range(rounds):
        docs = list(DocBin().from_bytes(data).get_docs(nlp.vocab))
        if number == 0:
            resolver._fuzzy = recorded  # the searches of the first (cold) round, for part 3
        runs.append(timed(lambda docs=docs: [component(doc) for doc in docs]))
        resolver.__dict__.pop("_fuzzy", None)
    words = sum(len(doc) for doc in parsed)
    component_cpu = statistics.median(c for _, c in runs)
    return {
        "part": "component_share", "pipeline": nlp.meta.get("name"), "docs": len(texts), "words": words,
        "rounds": rounds, "spacy_s": round(wall, 2), "spacy_cpu_s": round(cpu, 2),
        "component_first_cpu_s": round(runs[0][1], 3), "component_cpu_s": round(component_cpu, 3),
        "share_first": round(runs[0][1] / cpu, 4), "share": round(component_cpu / cpu, 4),
    }, queries


def fuzzy_unblocked(resolver, key: str, label: str):
    """The baseline: ``Resolver._fuzzy`` before blocking (every key of the label scored)."""
    from rapidfuzz import fuzz, process

    from normalizer.pipeline.resolve import FUZZY_MARGIN, FUZZY_WEIGHT, _derived, _resolution

    if sum(c.isalpha() for c in key) < resolver.fuzzy_min_length:
        return None
    keys, names = resolver.index.fuzzy_choices(label)
    hits = process.extract(key, keys, scorer=fuzz.ratio, limit=8, score_cutoff=resolver.fuzzy_threshold)
    hits = [(k, s, i) for k, s, i in hits
            if k[:1] == key[:1] and not names[i].variant.weak and names[i].variant.kind != "generic"
            and not _derived(key, k)]
    if not hits:
        return None
    _, best_score, best_i = hits[0]
    best = names[best_i]
    for _, score, i in hits[1:]:
        if names[i].entry.canonical_id != best.entry.canonical_id and best_score - score < FUZZY_MARGIN:
            return None
    return _resolution(best, "fuzzy", round(best_score / 100 * FUZZY_WEIGHT, 3), [])


def fuzzy(queries: list[tuple[str, str]]) -> dict:
    from normalizer.gazetteer.load import load_gazetteer
    from normalizer.pipeline.resolve import Resolver

    resolver = Resolver(load_gazetteer([]).index)
    for label in {label for _, label in queries}:
        resolver.index.fuzzy_choices(label)  # built once per label by both: not timed
    before: list = []
    after: list = []
    seconds_before = timed(lambda: before.extend(fuzzy_unblocked(resolver, k, lab) for k, lab in queries))[1]
    memo = getattr(resolver.index, "group_fuzzy_hits", None)
    if memo is not None:
        memo.cache_clear()  # the memo empty: the first search of each key is timed
    seconds_cold = timed(lambda: after.extend(resolver._fuzzy(k, lab) for k, lab in queries))[1]
    seconds_warm = timed(lambda: [resolver._fuzzy(k, lab) for k, lab in queries])[1]
    return {
        "part": "fuzzy", "searches": len(queries), "distinct": len(set(queries)),
        "found": sum(r is not None for r in after), "same": before == after,
        "before_cpu_s": round(seconds_before, 4), "after_cpu_s": round(seconds_cold, 4),
        "after_warm_cpu_s": round(seconds_warm, 4), "speedup": round(seconds_before / max(seconds_cold, 1e-9), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--docs", type=int, default=None, help="at most this many texts (default: all)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=None, help="the trained pipeline of parts 2 and 3")
    parser.add_argument("--skip-trained", action="store_true", help="part 1 only")
    args = parser.parse_args()
    texts = corpus_texts(args.files, args.docs)
    print(json.dumps(gazetteer_only(texts, args.rounds)), flush=True)
    if not args.skip_trained:
        share, queries = component_share(texts, args.rounds, args.model)
        print(json.dumps(share), flush=True)
        print(json.dumps(fuzzy(queries)), flush=True)


if __name__ == "__main__":
    main()
