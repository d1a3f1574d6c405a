"""The CLI through click's CliRunner: exact exit codes and messages."""
import json

import pytest
from click.testing import CliRunner

from normalizer.cli.main import main

from ..conftest import MINI

BASE = ["annotate", "--model", "blank:en", "--no-world", "--no-shipped", "--gazetteer", str(MINI)]


def run(args, input=None):
    return CliRunner().invoke(main, args, input=input)


def test_annotate_text_file_to_jsonl(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Troops left Izyum for the Kharkov region.", encoding="utf-8")
    result = run(BASE + [str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["id"] == str(path) and record["path"] == str(path)
    assert record["text"] == "Troops left Izyum for the Kharkov region."
    assert [(s["start"], s["end"], s["text"], s["id"], s["name"]) for s in record["spans"]] == [
        (12, 17, "Izyum", "geonames:707292", "Izium"),
        (26, 40, "Kharkov region", "place:kharkiv-oblast", "Kharkiv Oblast"),
    ]


def test_jsonl_fields_pass_through_and_output_file(tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text(
        json.dumps({"id": "d1", "source": "x", "text": "Kiev.", "spans": []}) + "\n\n"
        + json.dumps({"id": "d2", "text": ""}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run(BASE + [str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (first["id"], first["source"], first["spans"][0]["id"]) == ("d1", "x", "geonames:703448")
    assert (second["id"], second["spans"]) == ("d2", [])


def test_dash_output_is_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(BASE + ["-o", "-", "-f", "text", "-"], input="Shelling hit Izum.")
    assert result.exit_code == 0, result.output
    assert result.stdout == "# -\nShelling hit [Izum|GPE|geonames:707292|Izium].\n\n"
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_jsonl_text_with_unicode_line_separators(tmp_path):
    source = tmp_path / "docs.jsonl"
    record = {"id": "x", "text": "Kiev\u2028and Izum\u0085and\u000cKupiansk"}
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run(BASE + [str(source)])
    assert result.exit_code == 0, result.output
    [out] = [json.loads(line) for line in result.stdout.split("\n") if line]
    assert [s["id"] for s in out["spans"]] == ["geonames:703448", "geonames:707292", "geonames:703656"]


def test_stdin_and_text_format():
    result = run(BASE + ["-f", "text", "-"], input="Shelling hit Izum.")
    assert result.exit_code == 0
    assert result.stdout == "# -\nShelling hit [Izum|GPE|geonames:707292|Izium].\n\n"


def test_tsv_format(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("The US and Kiev.", encoding="utf-8")
    lines = run(BASE + ["-f", "tsv", str(path)]).stdout.splitlines()
    assert lines[0].split("\t")[:6] == ["doc_id", "start", "end", "text", "label", "id"]
    assert lines[1].split("\t")[1:7] == ["4", "6", "US", "GPE", "geonames:6252001", "United States"]
    assert len(lines) == 3


def test_directory_recursive_empty_file_and_bad_inputs(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_text("Izyum.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Dnipró\n".encode("latin-1"))
    (tmp_path / "image.bin").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / ".hidden").write_text("Kiev", encoding="utf-8")
    result = run(BASE + ["-q", str(tmp_path), str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'image.bin'}: binary file, not text",
        f"error: {tmp_path / 'latin1.txt'}:1: not UTF-8 text (byte 5); save it as UTF-8",
        f"error: {tmp_path / 'missing.txt'}: cannot read: No such file or directory",
        "Error: 3 input(s) could not be read (see above)",
    ]
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [str(tmp_path / "empty.txt"), str(tmp_path / "sub" / "good.txt")]


def test_bad_jsonl_line_is_reported_and_skipped(tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text('{"id": "a", "text": "Kiev"}\n{"id": "b"}\nnot json\n', encoding="utf-8")
    result = run(BASE + [str(source)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f'error: {source}:2: a JSONL record needs a "text" string',
        f"error: {source}:3: not valid JSON: Expecting value (column 1)",
    ]
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["a"]


def test_gazetteer_error_stops_before_any_output(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: place:x\n  name: Exton\n  typ: city\n", encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text("Kiev", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(BASE + ["--gazetteer", str(bad), str(text), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{bad}:3: entry 'place:x': unknown key 'typ'" in result.stderr
    assert not out.exists()


def test_unknown_model_is_a_clear_error(tmp_path):
    result = run(["annotate", "--model", "no_such_model_xyz", "-"], input="x")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: could not load a spaCy pipeline: no_such_model_xyz:")


def test_gazetteer_check_ok_and_errors(tmp_path):
    ok = run(["gazetteer", "check", "--no-shipped", str(MINI)])
    assert ok.exit_code == 0
    assert ok.stdout.startswith("ok: 15 entries, ")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: place:x\n  name: Exton\n  type: city\n  variants: [Kiev]\n", encoding="utf-8")
    result = run(["gazetteer", "check", "--no-shipped", str(MINI), str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {bad}:1: entry 'place:x': name 'Kiev' is also a name of 'geonames:703448' "
        f"({MINI}:55, as 'Kiev') (mark it 'weak: true' on both entries, or 'exclude' it from one)",
        "Error: 1 error(s) in the gazetteer",
    ]


@pytest.mark.parametrize("args", [["--help"], ["annotate", "--help"], ["gazetteer", "check", "--help"]])
def test_help(args):
    assert run(args).exit_code == 0


def test_progress_and_summary_on_stderr(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Izyum.", encoding="utf-8")
    result = run(BASE + [str(tmp_path)])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1].startswith("done: 2 documents, 2 entities in ")


def test_python_dash_m():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "normalizer", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "annotate" in out.stdout


def test_import_geonames_dump_and_annotate_with_it(tmp_path):
    from ..conftest import DUMP_FILES, GEONAMES

    out = tmp_path / "world.sqlite"
    result = run(["gazetteer", "import", "geonames", "-q", *[str(GEONAMES / f) for f in DUMP_FILES], "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"ok: {out} (")
    text = tmp_path / "a.txt"
    text.write_text("Police in Springfield, Ill., said.", encoding="utf-8")
    args = ["annotate", "-q", "--no-shipped", "--gazetteer", str(MINI), "--geonames-index", str(out)]
    annotated = run(args + [str(text)])  # the trained model: imported names resolve NER place spans
    assert annotated.exit_code == 0, annotated.output
    spans = json.loads(annotated.stdout)["spans"]
    assert [(s["text"], s["id"]) for s in spans if s["text"] == "Springfield"] == [("Springfield", "geonames:4250542")]


def test_import_geonames_refuses_unknown_files(tmp_path):
    odd = tmp_path / "places.csv"
    odd.write_text("x", encoding="utf-8")
    result = run(["gazetteer", "import", "geonames", str(odd), "-o", str(tmp_path / "w.sqlite")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {odd}: not a GeoNames dump file name this importer knows\n"


def test_import_help_and_gazetteer_check_import_no_spacy():
    """``normalizer``'s names are imported on first use: the commands that need no model start fast."""
    import subprocess
    import sys

    script = """
import sys
from click.testing import CliRunner
import normalizer
from normalizer.cli.main import main
assert CliRunner().invoke(main, ["--help"]).exit_code == 0
result = CliRunner().invoke(main, ["gazetteer", "check"])
assert result.exit_code == 0 and result.output.startswith("ok: "), result.output
assert "spacy" not in sys.modules, "spacy imported"
assert normalizer.load_gazetteer is normalizer.gazetteer.load.load_gazetteer
assert "spacy" not in sys.modules, "spacy imported by load_gazetteer"
from normalizer import PipelineConfig, annotate
from normalizer.pipeline.load import load
assert normalizer.load is load and callable(annotate) and PipelineConfig().shipped
assert all(getattr(normalizer, name) is not None for name in normalizer.__all__)
assert set(normalizer.__all__) <= set(dir(normalizer))
try:
    normalizer.no_such_name
except AttributeError as exc:
    assert "no_such_name" in str(exc)
else:
    raise AssertionError("no AttributeError")
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
