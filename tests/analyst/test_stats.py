"""`gazetteer stats` and `gazetteer unused`."""
import json

from click.testing import CliRunner

from normalizer.analyst.stats import gazetteer_stats
from normalizer.cli.main import main
from normalizer.gazetteer.load import load_gazetteer

from ..conftest import FIXTURES, MINI

ANALYST = FIXTURES / "gazetteer" / "analyst.yaml"
CORPUS = FIXTURES / "corpus"


def run(args):
    return CliRunner().invoke(main, ["gazetteer", *args])


def test_stats_by_type_kind_and_file(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("- id: geonames:703656\n  variants: [{name: Kupjansk, weak: true}]\n  not: [Kupianks]\n"
                     "- not: [Trust]\n", encoding="utf-8")
    stats = gazetteer_stats(load_gazetteer([ANALYST, extra], shipped=False))
    assert stats["entries"] == 6
    assert stats["types"] == {"country": 1, "region": 1, "city": 1, "town": 1, "person": 1, "organization": 1}
    assert stats["variants_by_kind"] == {"other": 5, "russian": 2}
    assert (stats["weak"], stats["judgements"]) == (1, 2)
    assert stats["names"] == {"listed": 7, "canonical": 6, "generated": 4}  # Kharkiv Oblast, ... province; the initial
    assert stats["files"][1] == {"path": str(extra), "new_entries": 0, "overrides": 1, "types": {},
                                 "variants_by_kind": {"other": 1}, "weak": 1, "native": 0, "judgements": 2}


def test_stats_command():
    result = run(["stats", "--no-shipped", str(ANALYST)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "6 entries in 1 file\n"
        "entries by type: country 1, region 1, city 1, town 1, person 1, organization 1\n"
        "listed variants by kind: other 4, russian 2 (0 weak)\n"
        "names the tool matches: 16 (canonical 6, listed 6, generated 4)\n"
        "'not' judgements: 0\n\nper file:\n"
        f"  {ANALYST}: 6 entries (country 1, region 1, city 1, town 1, person 1, organization 1); "
        "6 variants (other 4, russian 2; 0 weak); 0 native names\n")
    data = json.loads(run(["stats", "--json"]).output)
    assert data["entries"] > 600 and len(data["files"]) >= 5


def test_stats_of_a_broken_file(tmp_path):
    broken = tmp_path / "b.yaml"
    broken.write_text("- id: place:x\n  name: Xland\n", encoding="utf-8")
    result = run(["stats", "--no-shipped", str(broken)])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {broken}:1: entry 'place:x': missing 'type' (a new entry needs id, name and type; to change a "
        "shipped entry, reuse its id)\nError: 1 error(s) in the gazetteer\n")


def test_unused_variants_per_entry():
    result = run(["unused", str(CORPUS), "-q", "--model", "blank:en", "--no-world", "--no-shipped",
                  "-g", str(ANALYST)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{ANALYST}:10  place:kharkiv-oblast Kharkiv Oblast (mentioned 3 times)\n    unused: Kharkov region\n"
        f"{ANALYST}:17  geonames:706483 Kharkiv (mentioned 3 times)\n    unused: Kharkov\n"
        "2 listed variants of 2 entries never seen in the corpus\n"
        "3 entries were never mentioned at all (--all lists their variants too)\n")


def test_unused_all_and_json():
    result = run(["unused", str(CORPUS / "washington.txt"), "-q", "--model", "blank:en", "--no-world",
                  "--no-shipped", "-g", str(MINI), "--all", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rows = {row["id"]: row for row in data["entries"]}
    assert rows["geonames:707292"]["unused"] == ["Izum"] and rows["geonames:707292"]["mentions"] == 0
    assert "geonames:706483" not in rows  # Kharkiv has no listed variants in the mini gazetteer
