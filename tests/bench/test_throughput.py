"""bench/throughput.py: which texts it times, and that it says so when the evaluation texts are missing."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _throughput():
    spec = importlib.util.spec_from_file_location("throughput_bench", ROOT / "bench" / "throughput.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_missing_corpora_fall_back_to_the_sample_with_a_warning(tmp_path, monkeypatch, capsys):
    bench = _throughput()
    monkeypatch.setattr(bench, "SHARED", tmp_path / "eval")
    files = bench.default_files()
    assert files == [ROOT / "data" / "sample.txt"]
    assert "no LGL/TR-News texts at" in capsys.readouterr().err


def test_present_corpora_are_taken_silently(tmp_path, monkeypatch, capsys):
    bench = _throughput()
    geo = tmp_path / "eval" / "geo"
    geo.mkdir(parents=True)
    for name in ("lgl.jsonl", "tr-news.jsonl"):
        (geo / name).write_text('{"text": "Rain fell on Ashby."}\n', encoding="utf-8")
    monkeypatch.setattr(bench, "SHARED", tmp_path / "eval")
    assert bench.default_files() == [geo / "lgl.jsonl", geo / "tr-news.jsonl"]
    assert capsys.readouterr().err == ""
    assert bench.texts_from(bench.default_files(), 0) == ["Rain fell on Ashby."] * 2
