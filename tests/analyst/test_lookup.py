"""`gazetteer lookup`: keys, candidates, the winner and why; the mirror agrees with the resolver."""
import json

import pytest
from click.testing import CliRunner

from normalizer.analyst.lookup import explain
from normalizer.analyst.lookup_text import format_explanation
from normalizer.cli.main import main
from normalizer.gazetteer.load import load_gazetteer
from normalizer.gazetteer.schema import NER_LABELS

from ..conftest import MINI


@pytest.fixture(scope="module")
def mini():
    return load_gazetteer([MINI], shipped=False)


def run(args):
    return CliRunner().invoke(main, ["gazetteer", "lookup", *args, "--no-shipped", "-g", str(MINI)])


def test_keys_and_translit_winner(mini):
    found = explain("Izjum", mini)
    assert (found.fold_key, found.translit_key) == ("izjum", "izium")
    result = found.result
    assert (result.entry.canonical_id, result.match_kind, result.score) == ("geonames:707292", "translit", 0.85)
    assert found.because == "step 2: one entry has this transliteration key, so the tool takes it"
    assert [(c.id, c.step, c.usable) for c in found.candidates] == [("geonames:707292", "transliteration key", True)]


def test_weak_name_needs_a_fitting_ner_label(mini):
    free = explain("Lyman", mini)
    assert free.result is None
    assert free.candidates[0].why == (
        "a weak name: never searched for in running text, only for text NER tagged GPE, LOC or FAC")
    assert explain("Lyman", mini, label="GPE").result.entry.canonical_id == "geonames:704204"
    person = explain("Lyman", mini, label="PERSON")
    assert person.result is None
    assert person.candidates[0].why == (
        "a weak name: used only when NER's label fits a city (GPE, LOC or FAC), not PERSON")


def test_generic_name_needs_a_country_cue(mini):
    assert explain("Defense Ministry", mini).result is None
    cued = explain("Defense Ministry", mini, country="RU")
    assert cued.result.entry.canonical_id == "org:ministry-of-defence-russia"
    refused = [c for c in cued.candidates if c.id == "org:ministry-of-defence-ukraine"][0]
    assert not refused.usable and refused.why.startswith("a generic name: used only when a country cue")


def test_fuzzy_only_for_ner_spans(mini):
    tagged = explain("Lloyd Austen", mini, label="PERSON")
    assert (tagged.result.entry.canonical_id, tagged.result.match_kind) == ("person:lloyd-austin", "fuzzy")
    assert tagged.because.startswith("step 3: the closest spelling ('Lloyd Austin') is at least 90 similar")
    free = explain("Lloyd Austen", mini)
    assert free.result is None
    assert "fuzzy matching (step 3) applies only to text NER tagged: give --label to see it" in free.notes
    below = explain("Donetsl", mini, label="GPE")
    assert below.result is None
    assert [c.why for c in below.candidates if c.id == "geonames:709717"] == ["similarity 86 is below the threshold 90"]


def test_format_shows_keys_result_and_why(mini):
    text = format_explanation(explain("Kupyans'k", mini))
    assert "  folded key           'kupyansk'" in text
    assert "Result: geonames:703656 Kupiansk (city), via 'Kupyansk', match folded, score 0.95" in text
    assert "Why: step 1 (same folded key): one entry has a usable name with this key" in text


def test_ranking_reason_names_the_deciding_tie():
    found = explain("Dnepr", load_gazetteer(), label="LOC")  # weak on the city and on the river
    assert found.result.entry.canonical_id == "geonames:709930"
    assert found.because.startswith("step 1 (same folded key): 2 entries have a usable name with this key; "
                                    "geonames:709930 wins over place:dnipro-river on: has coordinates.")


def test_judgement_is_shown(tmp_path):
    extra = tmp_path / "judged.yaml"
    extra.write_text("- id: geonames:704204\n  not: [{name: Lyman, label: GPE}]\n", encoding="utf-8")
    found = explain("Lyman", load_gazetteer([MINI, extra], shipped=False), label="GPE")
    assert found.candidates[0].rejected_by == f"{extra}:2"
    text = format_explanation(found)
    assert f"      an analyst's judgement: not this entry when NER says GPE ({extra}:2)" in text
    # Until the resolver applies judgements, lookup says so; afterwards the pairing simply loses.
    assert found.result is None or found.notes == [
        f"an analyst's judgement ({extra}:2) says 'Lyman' is not geonames:704204; "
        "the resolver does not apply such judgements yet"]


def _mirror_winner(found):
    """What the explanation's steps say should win, read only from its candidates."""
    folded = [c for c in found.candidates if c.step == "folded key" and c.usable]
    if folded:
        return folded[0].id
    translit = {c.id for c in found.candidates if c.step == "transliteration key" and c.usable}
    if len(translit) == 1:
        return translit.pop()
    if translit:
        return None
    fuzzy = [c for c in found.candidates if c.step == "close spelling" and c.usable]
    return fuzzy[0].id if fuzzy else None


def _variants(name: str) -> list[str]:
    return [name, name.upper(), name + "s", name[:-1], name[:3] + name[4:], name.replace("i", "y")]


def test_mirror_agrees_with_the_resolver_on_the_shipped_gazetteer():
    shipped = load_gazetteer()
    names = sorted({n.variant.name for found in shipped.index.by_fold.values() for n in found})[::9]
    checked = 0
    for base in names:
        for text in _variants(base):
            for label in (None, *NER_LABELS):
                found = explain(text, shipped, label=label)
                winner = found.result.entry.canonical_id if found.result else None
                assert _mirror_winner(found) == winner, (text, label)
                checked += 1
    assert checked > 5000


def test_cli_text_and_exit_code():
    result = run(["Izjum"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("'Izjum' looked up as a name found in running text")
    assert "Result: geonames:707292 Izium (city), via 'Izium', match translit, score 0.85" in result.output


def test_cli_json():
    result = run(["Kiev", "--label", "gpe", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["label"] == "GPE" and data["keys"] == {"fold": "kiev", "translit": ""}
    assert data["result"]["id"] == "geonames:703448" and data["result"]["match"] == "exact"
    assert data["candidates"][0]["matched"] == "Kiev"


def test_cli_bad_label_and_bad_gazetteer(tmp_path):
    result = run(["Kiev", "--label", "CITY"])
    assert result.exit_code == 2
    assert "Invalid value for '--label'" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("- id: place:x\n  name: Xland\n  type: settlement\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["gazetteer", "lookup", "X", "--no-shipped", "-g", str(broken)])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {broken}:3: entry 'place:x': unknown type 'settlement' (use one of: country, region, district, "
        "city, town, village, republic, river, sea, lake, area, mountain, facility, person, organization)\n"
        "Error: 1 error(s) in the gazetteer\n")


def test_world_places_are_shown_for_place_labels(tmp_path):
    from normalizer.analyst.lookup import explain
    from normalizer.analyst.lookup_text import format_explanation
    from normalizer.gazetteer.load import load_gazetteer
    from normalizer.world.dump import import_geonames_dump
    from normalizer.world.index import GeoNamesIndex
    from normalizer.world.places import WorldPlaces

    from ..conftest import DUMP_FILES, GEONAMES

    out = import_geonames_dump([GEONAMES / name for name in DUMP_FILES], out=tmp_path / "world.sqlite")
    with GeoNamesIndex.open(index_path=out) as index:
        gazetteer = load_gazetteer([], shipped=False)
        found = explain("Springfield", gazetteer, label="GPE", world=WorldPlaces(index, {}))
        assert [w.id for w in found.world] == ["geonames:4409896", "geonames:4250542"]  # by prior: population
        assert found.result.entry.canonical_id == "geonames:4409896"
        text = format_explanation(found)
        assert "geonames:4250542  Springfield (city, US, population 114,394), via its own name, prior" in text
        assert "Why: the world layer: the most likely of 2 GeoNames place(s)" in text
        assert explain("Springfield", gazetteer, label=None, world=WorldPlaces(index, {})).world == []


def test_cli_fuzzy_threshold_changes_the_answer():
    below = json.loads(run(["Donetsl", "--label", "GPE", "--no-world", "--json"]).output)
    assert below["result"] is None
    result = run(["Donetsl", "--label", "GPE", "--no-world", "--json", "--fuzzy-threshold", "85"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["result"]
    assert (found["id"], found["match"]) == ("geonames:709717", "fuzzy")
    stricter = json.loads(run(["Lloyd Austen", "--label", "PERSON", "--json", "--fuzzy-threshold", "99"]).output)
    assert stricter["result"] is None
    assert run(["Donetsl", "--fuzzy-threshold", "101"]).exit_code == 2


def test_cli_geonames_index_is_the_world_layer(tmp_path):
    from normalizer.world.dump import import_geonames_dump

    from ..conftest import DUMP_FILES, GEONAMES

    out = import_geonames_dump([GEONAMES / name for name in DUMP_FILES], out=tmp_path / "world.sqlite")
    args = ["gazetteer", "lookup", "Springfield", "--label", "GPE", "--json", "--no-shipped",
            "--geonames-index", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [w["id"] for w in data["world"]] == ["geonames:4409896", "geonames:4250542"]
    assert data["result"]["id"] == "geonames:4409896"
    assert json.loads(CliRunner().invoke(main, [*args, "--no-world"]).output)["world"] == []
    broken = tmp_path / "broken.sqlite"
    broken.write_text("not an index", encoding="utf-8")
    refused = CliRunner().invoke(main, [*args[:-1], str(broken)])
    assert refused.exit_code == 2 and "not a GeoNames index" in refused.output


def test_cli_lookup_options_are_annotates():
    """The options lookup shares with annotate are the same options: names, help, types, defaults."""
    def options(command):
        return {p.name: (p.opts, p.help, repr(p.type), p.default) for p in command.params}

    lookup = options(main.commands["gazetteer"].commands["lookup"])
    annotate = options(main.commands["annotate"])
    shared = ["gazetteers", "no_shipped", "fuzzy_threshold", "no_world", "geonames_index"]
    assert {name: lookup[name] for name in shared} == {name: annotate[name] for name in shared}
    assert not {"model", "nil_ids", "conventions"} & lookup.keys()  # whole-document options


def test_translit_refusals_are_shown_in_words(tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text(
        "- id: person:ivan-volkov\n  name: Ivan Volkov\n  type: person\n  native: [Іван Волков]\n"
        "  variants: [Volkov]\n"
        "- id: person:anna-jaros\n  name: Anna Jaros\n  type: person\n  variants: [Jaros]\n",
        encoding="utf-8")
    gazetteer = load_gazetteer([own], shipped=False)
    unlike = explain("Wolkow", gazetteer, label="PERSON")  # the same key (volkov), similarity 67
    assert unlike.result is None
    assert [(c.id, c.usable, c.why) for c in unlike.candidates if c.step == "transliteration key"] == [
        ("person:ivan-volkov", False,
         "the same transliteration key, but 'Volkov' does not look alike enough (similarity below 70)")]
    latin = explain("Yarosh", gazetteer, label="PERSON")  # the key iaros, but no Cyrillic behind the entry
    assert latin.result is None
    assert [c.why for c in latin.candidates if c.step == "transliteration key"] == [
        "the same transliteration key, but this entry's names do not vary by romanization "
        "(no Cyrillic native name or country)"]
