"""The scorer: its numbers, its error list, and agreement with the reference shared/eval/score.py."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.analyst.eval_records import load_records
from normalizer.analyst.evaluate import evaluate, format_report, label_group
from normalizer.errors import InputError

from ..conftest import SHARED_EVAL

SCORE_PY = SHARED_EVAL / "score.py"
needs_score_py = pytest.mark.skipif(not SCORE_PY.is_file(), reason="shared/eval/score.py not present")

FLOOD = "Heavy rain hit Springfield on Monday, and Ann Porter of the Red Cross flew in from Chicago."
POWER = "Officials in Kharkiv said the Kharkiv region had power again; Kyiv did not comment. Porter agreed."


def span(text: str, written: str, label: str, canonical_id: str | None = None, nth: int = 0, **extra) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(written, start + 1)
    out = {"start": start, "end": start + len(written), "text": written, "label": label, "id": canonical_id}
    return {**out, **extra}


GOLD = [
    {"id": "flood", "text": FLOOD, "spans": [
        span(FLOOD, "Springfield", "PLACE", "geonames:4250542", lat=39.80, lon=-89.64),
        span(FLOOD, "Ann Porter", "PERSON", "person:ann-porter"),
        span(FLOOD, "Red Cross", "ORG", "org:red-cross"),
        span(FLOOD, "Chicago", "PLACE", "geonames:4887398", lat=41.85, lon=-87.65,
             alt_ids=["geonames:4887399"]),
    ]},
    {"id": "power", "text": POWER, "spans": [
        span(POWER, "Kharkiv", "PLACE", "geonames:706483", lat=49.98, lon=36.25),
        span(POWER, "Kharkiv region", "PLACE", "place:kharkiv-oblast"),
        span(POWER, "Kyiv", "PLACE", "geonames:703448", ambiguous=True),
        span(POWER, "Porter", "PERSON", "person:ann-porter"),
    ]},
]
SYSTEM = [
    {"id": "power", "spans": [  # records are matched by id, not position
        span(POWER, "Kharkiv", "GPE", "geonames:706483", lat=49.9, lon=36.3),
        span(POWER, "Kharkiv", "LOC", "o1", nth=1),  # boundary error: "Kharkiv region" in gold
        span(POWER, "Kyiv", "GPE", None),
        span(POWER, "Porter", "PER", "p1"),
    ]},
    {"id": "flood", "entities": [
        {"start": 15, "end": 26, "label": "GPE", "canonical_id": "geonames:4409896", "lat": 37.2,
         "lon": -93.3},  # "canonical_id" is read when there is no "id" key
        span(FLOOD, "Ann Porter", "PERSON", "p1"),
        span(FLOOD, "Red Cross", "NORP", "o1"),  # label not scored
        span(FLOOD, "Chicago", "FAC", "geonames:4887399"),  # an alt id; no coordinates
        span(FLOOD, "Monday", "DATE"),
    ]},
]


def test_scores_on_a_small_corpus() -> None:
    report = evaluate(GOLD, SYSTEM).as_dict(errors=False)
    assert report["per_label"]["PLACE"] == {"tp": 4, "fp": 1, "fn": 1, "p": 0.8, "r": 0.8, "f1": 0.8}
    assert report["per_label"]["PERSON"]["tp"] == 2 and report["per_label"]["ORG"]["fn"] == 1
    assert (report["span_p"], report["span_r"], report["span_f1"]) == (0.857, 0.75, 0.8)
    assert report["lenient_recall"] == 0.875  # only "Red Cross" has no overlapping system span
    assert (report["geonames_acc"], report["geonames_n"]) == (0.667, 3)  # Kyiv is ambiguous
    assert (report["cluster_acc"], report["cluster_n"]) == (0.75, 4)
    assert (report["acc161"], report["acc161_n"]) == (0.333, 3)  # Kharkiv near, Springfield far, Chicago none


def test_errors_carry_their_context() -> None:
    errors = evaluate(GOLD, SYSTEM).errors
    kinds = [(e.kind, e.text) for e in errors]
    assert ("missed", "Kharkiv region") in kinds and ("spurious", "Kharkiv") in kinds
    assert ("missed", "Red Cross") in kinds and ("cluster", "Red Cross") in kinds
    wrong = next(e for e in errors if e.kind == "wrong_id")
    assert (wrong.doc_id, wrong.gold_id, wrong.system_id) == ("flood", "geonames:4250542", "geonames:4409896")
    assert wrong.context == "Heavy rain hit [Springfield] on Monday, and Ann…"
    far = next(e for e in errors if e.kind == "distance" and e.text == "Springfield")
    assert far.detail.endswith("km off")


@pytest.mark.parametrize(
    "gold_ids, system_ids, right",
    [
        (["person:a", "person:a"], ["x", "x"], [True, True]),  # any system id works if consistent
        (["person:a", "person:a"], ["x", "y"], [True, False]),  # a split entity: majority id only
        (["person:a", "person:b"], ["x", "x"], [False, True]),  # a merge: tie goes to the larger slug
        (["person:a", "person:a", "person:b"], ["x", "x", "x"], [True, True, False]),
        (["person:a"], [None], [False]),
    ],
)
def test_cluster_scoring(gold_ids: list[str], system_ids: list[str | None], right: list[bool]) -> None:
    text = " ".join(f"Name{i}" for i in range(len(gold_ids)))
    gold_spans = [span(text, f"Name{i}", "PERSON", g) for i, g in enumerate(gold_ids)]
    system_spans = [span(text, f"Name{i}", "PERSON", s) for i, s in enumerate(system_ids)]
    gold, system = [{"id": "d", "text": text, "spans": gold_spans}], [{"id": "d", "spans": system_spans}]
    report = evaluate(gold, system)
    assert (report.cluster_ok, report.cluster_n) == (sum(right), len(right))


def test_only_id_and_labels() -> None:
    text = "Flooding near Mill Creek and Pine Hill worried Dana Reyes."
    gold = [{"id": "d", "text": text, "spans": [
        span(text, "Mill Creek", "PLACE", "geonames:1"), span(text, "Pine Hill", "PLACE", None),
        span(text, "Dana Reyes", "PERSON", "person:dana-reyes")]}]
    system = [{"id": "d", "spans": [span(text, "Mill Creek", "LOC", "geonames:1"), span(text, "Pine", "GPE"),
                                    span(text, "Dana Reyes", "PERSON")]}]
    plain = evaluate(gold, system)
    assert (plain.spans.tp, plain.spans.fp, plain.spans.fn) == (2, 1, 1)
    only_id = evaluate(gold, system, only_id=True)  # "Pine Hill" has no id: neither missed nor "Pine" wrong
    assert (only_id.spans.tp, only_id.spans.fp, only_id.spans.fn) == (2, 0, 0)
    places = evaluate(gold, system, labels={"PLACE"}, only_id=True)
    assert set(places.per_label) == {"PLACE"} and places.spans.tp == 1


def test_records_matched_by_position_when_ids_are_missing() -> None:
    system = [{"spans": [span(FLOOD, "Chicago", "GPE", "geonames:4887398")]}]
    report = evaluate(GOLD[:1], system)
    assert (report.spans.tp, report.geonames_ok) == (1, 1)
    assert evaluate(GOLD, []).spans.fn == 8


@pytest.mark.parametrize(
    "label, group",
    [("GPE", "PLACE"), ("loc", "PLACE"), ("FAC", "PLACE"), ("PER", "PERSON"), ("ORG", "ORG"), ("NORP", None),
     ("", None), (None, None)],
)
def test_label_group(label: str | None, group: str | None) -> None:
    assert label_group(label) == group


def test_format_report_and_as_dict() -> None:
    report = evaluate(GOLD, SYSTEM)
    text = format_report(report, errors=3)
    assert "spans     P 0.857  R 0.750  F1 0.800" in text
    assert "geonames 0.667 (n=3)" in text and "within 161 km 0.333 (n=3)" in text
    assert f"errors (first 3 of {len(report.errors)}):" in text
    assert "PLACE        4     1     1   0.800   0.800   0.800" in text
    assert "errors" not in format_report(report, errors=0)
    as_dict = report.as_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["errors"][0].keys() >= {"kind", "doc_id", "text", "gold_id", "system_id", "context"}


def test_load_records(tmp_path: Path) -> None:
    jsonl = tmp_path / "out.jsonl"
    jsonl.write_text('{"id": "a", "spans": []}\n\n{"id": "b", "spans": []}\n', encoding="utf-8")
    assert [r["id"] for r in load_records(jsonl)] == ["a", "b"]
    single = tmp_path / "doc.json"
    single.write_text('{\n  "id": "a",\n  "spans": []\n}', encoding="utf-8")
    assert load_records(single) == [{"id": "a", "spans": []}]
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a"}\n{"id": \n', encoding="utf-8")
    with pytest.raises(InputError, match="broken.jsonl:2: not valid JSON: Expecting value"):
        load_records(broken)


# --- agreement with the reference scorer --------------------------------------------------------

def _reference_numbers(report: dict) -> dict:
    out = {k: v for k, v in report.items() if k not in ("per_label", "errors", "documents", "gold_spans",
                                                        "system_spans")}
    out["per_label"] = {k: {m: v[m] for m in ("tp", "fp", "fn")} for k, v in report["per_label"].items()}
    return out


@needs_score_py
@pytest.mark.parametrize(
    "flags", [[], ["--labels", "PLACE"], ["--only-id"], ["--labels", "PLACE,ORG", "--only-id"]]
)
def test_agrees_with_score_py(tmp_path: Path, flags: list[str]) -> None:
    gold_path, system_path = tmp_path / "gold.jsonl", tmp_path / "system.jsonl"
    gold_path.write_text("".join(json.dumps(r) + "\n" for r in GOLD), encoding="utf-8")
    system_path.write_text("".join(json.dumps(r) + "\n" for r in SYSTEM), encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCORE_PY), str(gold_path), str(system_path), *flags],
                          capture_output=True, text=True, check=True)
    labels = set(flags[flags.index("--labels") + 1].split(",")) if "--labels" in flags else None
    ours = evaluate(load_records(gold_path), load_records(system_path), labels=labels,
                    only_id="--only-id" in flags)
    assert _reference_numbers(ours.as_dict()) == json.loads(done.stdout)


WORDS = ["Avon", "Bly", "Cole", "Dara", "Eske", "Fenn"]
_span_strategy = st.fixed_dictionaries({
    "word": st.integers(0, len(WORDS) - 1), "shift": st.sampled_from([0, 0, 0, 1, -1]),
    "label": st.sampled_from(["PLACE", "PERSON", "ORG", "GPE", "LOC", "PER", "NORP"]),
    "id": st.sampled_from([None, "geonames:1", "geonames:2", "person:a", "person:b", "org:c"]),
    "coords": st.sampled_from([None, (10.0, 10.0), (10.5, 10.5), (40.0, 40.0)]),
    "flag": st.sampled_from([None, "ambiguous", "alt"]),
})


def _records(gold_draw: list[dict], system_draw: list[dict]) -> tuple[list[dict], list[dict]]:
    text = " ".join(WORDS)
    offsets = [(text.index(w), text.index(w) + len(w)) for w in WORDS]

    def make(d: dict, gold: bool) -> dict:
        start, end = offsets[d["word"]]
        label = {"GPE": "PLACE", "LOC": "PLACE", "PER": "PERSON", "NORP": "ORG"}.get(d["label"], d["label"])
        out = {"start": start, "end": end + (0 if gold else d["shift"]), "text": text[start:end],
               "label": label if gold else d["label"], "id": d["id"]}
        if d["coords"]:
            out["lat"], out["lon"] = d["coords"]
        if gold and d["flag"] == "ambiguous":
            out["ambiguous"] = True
        if gold and d["flag"] == "alt":
            out["alt_ids"] = ["geonames:2"]
        return out

    return ([{"id": "d", "text": text, "spans": [make(d, True) for d in gold_draw]}],
            [{"id": "d", "spans": [make(d, False) for d in system_draw]}])


@cache
def _load_score_py():
    spec = importlib.util.spec_from_file_location("reference_score", SCORE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_score_py
@settings(max_examples=300, deadline=None)
@given(st.lists(_span_strategy, max_size=6), st.lists(_span_strategy, max_size=6),
       st.sampled_from([None, {"PLACE"}, {"PERSON", "ORG"}]), st.booleans())
def test_agrees_with_score_py_on_random_documents(gold_draw, system_draw, labels, only_id) -> None:
    gold, system = _records(gold_draw, system_draw)
    reference, _ = _load_score_py().score(gold, system, labels, only_id)
    assert _reference_numbers(evaluate(gold, system, labels=labels, only_id=only_id).as_dict()) == reference
