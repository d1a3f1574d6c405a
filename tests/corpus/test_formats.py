"""TSV is written with the csv module: every cell reads back exactly with ``csv.reader``."""
from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from normalizer.cli.main import main
from normalizer.corpus.formats import TSV_COLUMNS, Writer
from normalizer.corpus.inputs import Document

from ..conftest import MINI

TEXTS = ["Kharkov\tregion", "Krasny\nLiman", 'the "Azov" regiment', "Izum\r\nsouth", "Kupiansk  Vuzlovyi",
         " Lyman ", "plain"]


def span(text: str, start: int = 0, **extra) -> dict:
    return {"start": start, "end": start + len(text), "text": text, "label": "GPE", "id": None, "name": None,
            "match": "none", "score": 0.0, "variant_kind": None, **extra}


def read_tsv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), dialect="excel-tab"))


def test_span_texts_read_back_exactly():
    stream = io.StringIO()
    writer = Writer(stream, "tsv")
    writer.write(Document(id="doc\t1", text=""), [span(t) for t in TEXTS])
    writer.close()
    header, *rows = read_tsv(stream.getvalue())
    assert header == list(TSV_COLUMNS)
    assert [row[TSV_COLUMNS.index("text")] for row in rows] == TEXTS
    assert {row[0] for row in rows} == {"doc\t1"}
    assert all(len(row) == len(TSV_COLUMNS) for row in rows)


def test_render_is_one_documents_rows_in_one_string():
    writer = Writer(io.StringIO(), "tsv", header=False)
    spans = [span("Izum", 12, id="geonames:707292", name="Izium", match="exact", score=1.0, variant_kind="russian",
                  lat=49.21, lon=37.25), span('a "b"\tc')]
    rendered = writer.render(Document(id="d", text=""), spans)
    assert rendered.splitlines()[0] == "d\t12\t16\tIzum\tGPE\tgeonames:707292\tIzium\texact\t1.0\trussian\t49.21\t37.25"
    assert rendered.endswith("\n") and "\r" not in rendered  # rows end with \n, cells need no \r
    assert [row[3] for row in read_tsv(rendered)] == ["Izum", 'a "b"\tc']
    assert writer.render(Document(id="empty", text=""), []) == ""


def test_plain_cells_are_not_quoted():
    stream = io.StringIO()
    Writer(stream, "tsv")
    assert stream.getvalue() == "\t".join(TSV_COLUMNS) + "\n"


def test_annotate_tsv_keeps_an_id_with_a_tab_and_a_newline(tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text(json.dumps({"id": "one\ttwo\nthree", "text": "Shelling hit Izum."}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["annotate", "--model", "blank:en", "--no-world", "--no-shipped",
                                       "--gazetteer", str(MINI), "-f", "tsv", str(source)])
    assert result.exit_code == 0, result.output
    header, row = read_tsv(result.stdout)
    assert row[:4] == ["one\ttwo\nthree", "13", "17", "Izum"]
