"""`evaluate` on malformed gold and system files: gold problems are errors naming every bad line,
system problems are skipped with a warning, and gold documents without a system record are counted."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizer.analyst.eval_records import load_records
from normalizer.analyst.evaluate import evaluate
from normalizer.errors import InputError, NormalizerError

TEXT = "Rain in Avonmore and Bly Falls."  # 31 characters
AVONMORE = {"start": 8, "end": 16, "label": "PLACE", "id": "geonames:1"}
BLY = {"start": 21, "end": 30, "label": "PLACE", "id": None}


def doc(doc_id: str | None = "d1", spans: object = None, **extra) -> dict:
    return {"id": doc_id, "text": TEXT, "spans": [AVONMORE, BLY] if spans is None else spans, **extra}


def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "record, problem",
    [
        ([1, 2], "the record is a list, not a JSON object"),
        ("just text", "the record is a string, not a JSON object"),
        (doc(spans={"start": 8}), "'spans' is an object, not a list"),
        ({"id": "d2", "text": TEXT}, "no 'spans' list"),
        (doc(doc_id=7), "'id' is a number (7), not a string or null"),
        (doc(text=["a"]), "'text' is a list, not a string"),
        (doc(spans=[AVONMORE, "Bly"]), "span 2 is a string, not a JSON object"),
        (doc(spans=[{"end": 16, "label": "PLACE"}]), "span 1 has no 'start'"),
        (doc(spans=[{"start": 8, "label": "PLACE"}]), "span 1 has no 'end'"),
        (doc(spans=[{"start": 8, "end": 16}]), "span 1 has no 'label'"),
        (doc(spans=[{**AVONMORE, "start": "8"}]), "span 1: 'start' is \"8\", not a whole number"),
        (doc(spans=[{**AVONMORE, "end": 16.5}]), "span 1: 'end' is 16.5, not a whole number"),
        (doc(spans=[{**AVONMORE, "start": True}]), "span 1: 'start' is true, not a whole number"),
        (doc(spans=[{**AVONMORE, "label": None}]), "span 1: 'label' is null, not a string"),
        (doc(spans=[{**AVONMORE, "start": 16}]), "span 1: start 16 is not before end 16"),
        (doc(spans=[{**AVONMORE, "start": -1}]), "span 1: -1-16 is outside the text (31 characters)"),
        (doc(spans=[{**AVONMORE, "end": 99}]), "span 1: 8-99 is outside the text (31 characters)"),
        (doc(spans=[{**AVONMORE, "id": 5}]), "span 1: 'id' is 5, not a string or null"),
        (doc(spans=[{**AVONMORE, "alt_ids": "geonames:2"}]),
         "span 1: 'alt_ids' is \"geonames:2\", not a list of strings"),
        (doc(spans=[{**AVONMORE, "lat": "north", "lon": 1.0}]), "span 1: 'lat' is \"north\", not a number"),
        (doc(spans=[{**AVONMORE, "lat": 40.0}]), "span 1 has a 'lat' but no 'lon'"),
    ],
)
def test_malformed_gold_is_an_error_at_file_and_line(tmp_path: Path, record: object, problem: str) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [doc("d0"), record])
    with pytest.raises(InputError) as caught:
        evaluate(load_records(gold), [])
    assert str(caught.value) == f"{gold}:2: {problem}"
    assert isinstance(caught.value, NormalizerError) and (caught.value.path, caught.value.line) == (str(gold), 2)


def test_every_malformed_gold_line_is_listed(tmp_path: Path) -> None:
    records = [doc("d0"), [1], doc("d2"), doc("d3", spans=[{"start": 8}]),
               *[doc(f"x{i}", spans="no") for i in range(12)]]
    gold = write_jsonl(tmp_path / "gold.jsonl", records)
    with pytest.raises(InputError) as caught:
        evaluate(load_records(gold), [])
    lines = str(caught.value).split("\n")
    assert lines[:3] == [f"{gold}:2: the record is a list, not a JSON object", f"{gold}:4: span 1 has no 'end'",
                         f"{gold}:5: 'spans' is a string, not a list"]
    assert lines[-2:] == ["... and 4 more", "14 malformed gold records: fix them and run again"]
    assert len(lines) == 10 + 2


@pytest.mark.parametrize(
    "where, expected",
    [("a list in memory", "gold record 2: span 1 has no 'start'"),
     ("a .json file with a list", "{path}: record 2: span 1 has no 'start'")],
)
def test_gold_without_lines_is_located_by_record_number(tmp_path: Path, where: str, expected: str) -> None:
    records = [doc("d0"), doc("d1", spans=[{"end": 16, "label": "PLACE"}])]
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(records, indent=1), encoding="utf-8")
    gold = records if where == "a list in memory" else load_records(path)
    with pytest.raises(InputError) as caught:
        evaluate(gold, [])
    assert str(caught.value) == expected.format(path=path)


def test_gold_without_text_checks_offsets_from_zero_only() -> None:
    gold = [{"id": "d", "spans": [{"start": 100, "end": 104, "label": "PLACE"}]}]
    assert evaluate(gold, [{"id": "d", "spans": [{"start": 100, "end": 104, "label": "GPE"}]}]).spans.tp == 1


@pytest.mark.parametrize(
    "record, warning",
    [
        ([1, 2], "the record is a list, not a JSON object; the record is skipped"),
        ({"id": "d1", "spans": {"start": 8}}, "'spans' is an object, not a list; the record is skipped"),
        ({"id": "d1", "entities": None}, "'entities' is null, not a list; the record is skipped"),
        ({"id": ["d1"], "spans": []}, "'id' is a list ([\"d1\"]), not a string or null; the record is skipped"),
        ({"id": "d1", "spans": [{**AVONMORE, "label": "GPE"}, {"end": 30, "label": "GPE"}]},
         "span 2 has no 'start'; the span is skipped"),
        ({"id": "d1", "spans": [{**AVONMORE, "label": "GPE"}, {"start": 21, "end": "30", "label": "GPE"}]},
         "span 2: 'end' is \"30\", not a whole number; the span is skipped"),
        ({"id": "d1", "spans": [{**AVONMORE, "label": "GPE"}, {**BLY, "label": 3}]},
         "span 2: 'label' is 3, not a string; the span is skipped"),
        ({"id": "d1", "spans": [{**AVONMORE, "label": "GPE"}, {**BLY, "label": "GPE", "id": {"x": 1}}]},
         "span 2: 'id' is {\"x\": 1}, not a string or null; the span is skipped"),
        ({"id": "d1", "spans": [{**AVONMORE, "label": "GPE"}, {**BLY, "label": "GPE", "lat": "n", "lon": 2}]},
         "span 2: 'lat' is \"n\", not a number; the span is skipped"),
    ],
)
def test_malformed_system_records_are_skipped_with_a_warning(tmp_path: Path, record: object, warning: str) -> None:
    gold = [doc("d0"), doc("d1")]
    system = write_jsonl(tmp_path / "system.jsonl", [{"id": "d0", "spans": []}, record])
    report = evaluate(gold, load_records(system))
    assert report.warnings == [f"{system}:2: {warning}"]
    span_skipped = warning.endswith("the span is skipped")
    assert report.spans.tp == (1 if span_skipped else 0)  # Avonmore found when only the bad span is dropped
    assert report.spans.fn == 4 - report.spans.tp


def test_many_malformed_system_records_are_counted_after_the_first_ten() -> None:
    gold = [doc(f"d{i}") for i in range(15)]
    system = [{"id": f"d{i}", "spans": "none"} for i in range(15)]
    report = evaluate(gold, system)
    assert report.warnings[0] == "system record 1: 'spans' is a string, not a list; the record is skipped"
    assert report.warnings[10:] == ["... and 5 more malformed system records or spans, skipped"]


@pytest.mark.parametrize(
    "system_ids, warning",
    [
        (["d0", "d1", "d2"], None),
        ([None, None, None], None),  # matched by position
        (["d0", "d1"], "1 of 3 gold documents have no system record (first: d2); they count as missed"),
        ([None], "2 of 3 gold documents have no system record (first: d1); they count as missed"),
        ([], "3 of 3 gold documents have no system record (first: d0); they count as missed"),
        (["d2", "d0", "x9"],
         "1 of 3 gold documents have no system record with their id (first: d1); each is scored against the "
         "system record at its position, which has another id (as score.py does)"),
    ],
)
def test_gold_documents_without_a_system_record_are_counted(system_ids: list, warning: str | None) -> None:
    gold = [doc(f"d{i}") for i in range(3)]
    system = [{"id": i, "spans": [{**AVONMORE, "label": "GPE"}]} for i in system_ids]
    report = evaluate(gold, system)
    assert report.warnings == ([warning] if warning else [])
    assert report.spans.tp == len(system_ids)  # missing documents: their spans are missed


def test_gold_without_ids_names_the_first_missing_record() -> None:
    report = evaluate([doc(None), doc(None)], [{"spans": []}])
    assert report.warnings == ["1 of 2 gold documents have no system record (first: record 2); they count as missed"]


def test_well_formed_input_has_no_warnings(tmp_path: Path) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [doc("d0"), doc("d1", spans=[])])
    system = write_jsonl(tmp_path / "system.jsonl", [{"id": "d1", "entities": []},
                                                     {"id": "d0", "spans": [{**AVONMORE, "label": "LOC"}]}])
    report = evaluate(load_records(gold), load_records(system))
    assert report.warnings == [] and (report.spans.tp, report.spans.fn) == (1, 1)
