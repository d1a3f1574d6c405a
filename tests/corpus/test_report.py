"""The HTML report (``annotate --format html``): unit tests of the page, then a real headless Chromium."""
import logging
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalizer.cli.main import main
from normalizer.corpus.inputs import Document
from normalizer.corpus.report import render_report

from ..conftest import MINI

BASE = ["annotate", "-q", "--model", "blank:en", "--no-world", "--no-shipped", "--gazetteer", str(MINI)]
ARTIFACTS = Path(__file__).parent / "artifacts"

# Two places with coordinates besides mini.yaml's Kharkiv (Izium there has none without the world layer).
EXTRA = """\
- id: geonames:704508
  name: Kramatorsk
  type: city
  country: UA
  lat: 48.72305
  lon: 37.55629
- id: geonames:700569
  name: Sloviansk
  type: city
  country: UA
  lat: 48.86667
  lon: 37.61667
  variants: [Slavyansk]
"""
TEXTS = {
    "a.txt": 'Troops left Izyum for Kharkov. <script>alert("x")</script> & "quotes" </div>\n\n'
             "Then Kramatorsk,\tSlavyansk and Izum.\r\nLloyd Austin spoke.",
    "b.txt": "\nShelling hit Izyum and Sloviansk; Kiev said nothing. Ünïcode ✓ 🙂 Kharkov.\n",
}


def report(tmp_path, texts=TEXTS) -> tuple[str, dict[str, str]]:
    """Write the texts, run ``annotate -f html`` on them, return the page and the texts by path."""
    extra = tmp_path / "extra.yaml"
    extra.write_text(EXTRA, encoding="utf-8")
    paths = {}
    for name, text in texts.items():
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        paths[str(path)] = text
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, BASE + ["-g", str(extra), "-f", "html", "-o", str(out), *paths])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8"), paths


def doc_texts(page: str) -> list[str]:
    return re.findall(r'<div class="text">(.*?)</div></details>', page, re.S)


def marks(fragment: str) -> list[tuple[str, str, str, str]]:
    """(class, label, title, words) of each highlight, words unescaped."""
    found = re.findall(r'<mark class="([^"]*)" data-label="([^"]*)" title="([^"]*)">(.*?)</mark>', fragment)
    return [(cls, label, unescape(title), unescape(words)) for cls, label, title, words in found]


def table(page: str) -> dict[str, tuple[int, int, dict[str, int]]]:
    """Rows of the entity table by id: (mentions, documents, {variant: count})."""
    rows = {}
    for entity_id, row in re.findall(r'<tr data-id="([^"]*)">(.*?)</tr>', page, re.S):
        numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
        found = re.findall(r'class="variant"[^>]*>(.*?)<b>(\d+)</b>', row)
        variants = {unescape(v): int(n) for v, n in found}
        rows[entity_id] = (numbers[0], numbers[1], variants)
    return rows


def circles(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<circle class="(dot|mini)" data-id="([^"]*)"', page)


def test_text_is_escaped_and_kept_exactly(tmp_path):
    page, texts = report(tmp_path)
    assert "<script" not in page.lower()
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; "quotes" &lt;/div&gt;' in page
    shown = doc_texts(page)
    assert len(shown) == 2
    for fragment, text in zip(shown, texts.values(), strict=True):
        assert unescape(re.sub(r"<[^>]+>", "", fragment)) == text  # CR, tabs, emoji, leading newline
    first = marks(shown[0])
    assert [words for *_, words in first] == ["Izyum", "Kharkov", "Kramatorsk", "Slavyansk", "Izum",
                                              "Lloyd Austin"]
    cls, label, title, words = first[0]
    assert (cls, label) == ("ent", "GPE")
    assert title.splitlines()[:2] == ["Izium", "geonames:707292"]  # canonical name and id on hover
    assert "white-space:pre-wrap" in page


def test_legend_and_summary(tmp_path):
    page, _ = report(tmp_path)
    legend = re.search(r'<div class="legend">(.*?)</div>', page, re.S).group(1)
    for label in ("PERSON", "ORG", "GPE", "LOC", "FAC"):
        assert f'data-label="{label}">{label}</span>' in legend
    assert "GPE</span> country, city, region (9)" in legend
    assert "PERSON</span> person (1)" in legend
    assert 'class="tag unresolved"' in legend and 'class="tag uncertain"' in legend
    assert "<li><b>2</b>documents</li>" in page and "<li><b>10</b>mentions</li>" in page


def test_table_groups_variants_by_canonical_id(tmp_path):
    page, _ = report(tmp_path)
    rows = table(page)
    assert rows["geonames:707292"] == (3, 2, {"Izyum": 2, "Izum": 1})
    assert rows["geonames:706483"] == (2, 2, {"Kharkov": 2})
    assert rows["geonames:700569"] == (2, 2, {"Slavyansk": 1, "Sloviansk": 1})
    assert rows["person:lloyd-austin"] == (1, 1, {"Lloyd Austin": 1})
    assert list(rows)[0] == "geonames:707292"  # most mentioned first
    assert sum(mentions for mentions, _, _ in rows.values()) == 10


def test_map_has_circles_for_resolved_places_with_coordinates_only(tmp_path):
    page, _ = report(tmp_path)
    # Izium and Kyiv are resolved but have no coordinates without the world layer: no dot.
    assert sorted(circles(page)) == [("dot", "geonames:700569"), ("dot", "geonames:704508"),
                                     ("dot", "geonames:706483")]
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    assert '<g class="grid">' in svg and "°N" in svg and "°E" in svg
    assert ">Kharkiv <tspan" in svg and ">Sloviansk <tspan" in svg


def test_page_is_self_contained(tmp_path):
    page, _ = report(tmp_path)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "http" not in page.lower()
    assert not re.search(r"<(script|link|img|iframe)\b", page, re.I)
    assert not re.search(r"\b(src|href)=\"(?!#)", page)


def test_unresolved_uncertain_and_far_places():
    text = "Olena Testenko met Izyum officials; Kharkiv, Kyiv, Russia and the US. Izyum."

    def span(words, entity_id, name, lat, lon, score=1.0, label="GPE"):
        start = text.index(words)
        match = "none" if entity_id is None else "exact" if score == 1.0 else "fuzzy"
        return {"start": start, "end": start + len(words), "text": words, "label": label, "id": entity_id,
                "name": name, "match": match, "score": score, "lat": lat, "lon": lon}

    spans = [
        span("Olena Testenko", None, None, 1.0, 2.0, score=0.0, label="PERSON"),
        span("Izyum", "geonames:707292", "Izium", 49.21, 37.28, score=0.72),
        span("Kharkiv", "geonames:706483", "Kharkiv", 49.98, 36.25),
        span("Kyiv", "geonames:703448", "Kyiv", 50.45, 30.52),
        span("Russia", "geonames:2017370", "Russia", 60.0, 100.0),
        span("US", "geonames:6252001", "United States", 39.83, -98.58),
    ]
    page = render_report([(Document(id="d<1>", text=text), spans)])
    found = marks(page)
    assert found[0][:2] == ("ent unresolved", "PERSON") and found[0][2].startswith("not resolved")
    assert found[1][0] == "ent uncertain" and "fuzzy match, score 0.72" in found[1][2]
    assert "<h2>d&lt;1&gt;</h2>" in page
    dots = circles(page)
    # The main map fits the Ukrainian cluster; the overview shows all five places; never the unresolved one.
    assert sorted(i for kind, i in dots if kind == "dot") == ["geonames:703448", "geonames:706483",
                                                              "geonames:707292"]
    assert len([i for kind, i in dots if kind == "mini"]) == 5
    assert "Outside it: Russia (1), United States (1)." in page
    assert table(page)["geonames:707292"] == (1, 1, {"Izyum": 1})
    assert "Olena Testenko</span> <code>not in the gazetteer</code>" in page


def test_bad_spans_are_left_out_and_logged(caplog):
    text = "Kiev and Kharkov."
    spans = [{"start": 0, "end": 4, "label": "GPE", "id": "a", "name": "Kyiv"},
             {"start": 2, "end": 8, "label": "GPE", "id": "b", "name": "B"},
             {"start": 9, "end": 99, "label": "GPE", "id": "c", "name": "C"}]
    with caplog.at_level(logging.WARNING, logger="normalizer.corpus.report"):
        page = render_report([(Document(id="x", text=text), spans)])
    assert len(caplog.records) == 2
    (fragment,) = doc_texts(page)
    assert unescape(re.sub(r"<[^>]+>", "", fragment)) == text
    assert [words for *_, words in marks(fragment)] == ["Kiev"]


def test_empty_input_still_makes_a_page(tmp_path):
    page, _ = report(tmp_path, {"empty.txt": ""})
    assert "No resolved place with coordinates." in page and "No entities found." in page
    assert doc_texts(page) == [""]


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="chromium is not on PATH (Debian: apt-get install chromium)")
def test_report_in_headless_chromium(tmp_path):
    page, _ = report(tmp_path)
    html = tmp_path / "report.html"
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report.png"
    screenshot.unlink(missing_ok=True)
    browser = ["chromium", "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*browser, "--dump-dom", html.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    rendered = marks(dom)
    assert len(rendered) == 10 and rendered[0][3] == "Izyum"
    assert len(re.findall(r"<svg\b", dom)) == 1
    assert sorted(i for _, i in circles(dom)) == ["geonames:700569", "geonames:704508", "geonames:706483"]
    subprocess.run([*browser, f"--screenshot={screenshot}", "--window-size=1200,1600", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1200 and len(data) > 20_000
