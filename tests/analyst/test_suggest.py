"""`suggest`: clustering, proposals, judgements honoured, and the command on a small corpus."""
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from normalizer.analyst.clusters import Sighting, cluster_sightings
from normalizer.analyst.suggest import guess_type, kwic, make_id, propose, sightings_of, slug, unique_id
from normalizer.cli.main import main
from normalizer.gazetteer.load import load_gazetteer
from normalizer.world.index import Place

from ..conftest import FIXTURES, MINI, annotate_with_ents

CORPUS = FIXTURES / "corpus"
ANALYST = FIXTURES / "gazetteer" / "analyst.yaml"


def S(text, label="PERSON", doc="d1", before="", after="", **fuzzy):
    return Sighting(text, label, doc, 0, len(text), before, after, **fuzzy)


@pytest.fixture(scope="module")
def mini():
    return load_gazetteer([MINI], shipped=False)


@pytest.mark.parametrize("entry_type, name, expected", [
    ("person", "Olena Testenko", "person:olena-testenko"),
    ("organization", "Prairie Radio News", "org:prairie-radio-news"),
    ("town", "Kup'yans'k-Vuzlovyi", "place:kupyansk-vuzlovyi"),
    ("region", "B.C.", "place:b-c"),
    ("city", "Київ", "place:kiiv"),
    ("city", "!!!", None),
])
def test_make_id(entry_type, name, expected):
    assert make_id(entry_type, name) == expected


def test_slug_and_unique_id():
    assert slug("  Mrs. O'Neil & Sons ") == "mrs-oneil-sons"
    assert unique_id("person:x", {"person:x", "person:x-2"}) == "person:x-3"
    assert unique_id("person:y", {"person:x"}) == "person:y"


@pytest.mark.parametrize("name, label, entry_type", [
    ("Olena Testenko", "PERSON", "person"),
    ("Ukrenerho", "ORG", "organization"),
    ("Azovstal", "FAC", "facility"),
    ("Donbas", "LOC", "area"),
    ("Oskil River", "LOC", "river"),
    ("Sea of Azov", "LOC", "area"),
    ("Azov Sea", "LOC", "sea"),
    ("Latah County", "GPE", "region"),
    ("Kupiansk district", "GPE", "district"),
    ("Alberta", "GPE", "city"),
])
def test_guess_type(name, label, entry_type):
    assert guess_type(name, label) == entry_type


def test_sightings_are_unresolved_or_fuzzy_ner_mentions(blank_nlp, normalizer):
    text = "Mrs Okafor met Lloyd Austen and Gen. Shoigu Kharkov in Izyum, said MP Dana Whitcombe."
    doc = annotate_with_ents(blank_nlp, normalizer, text, [
        ("Mrs Okafor", "PERSON"), ("Lloyd Austen", "PERSON"), ("Gen. Shoigu Kharkov", "PERSON"),
        ("Izyum", "GPE"), ("MP Dana Whitcombe", "PERSON")])
    found = sightings_of(doc, "d1")
    assert [(s.text, s.label, s.start, s.fuzzy_id) for s in found] == [
        ("Okafor", "PERSON", 4, None),
        ("Lloyd Austen", "PERSON", 15, "person:lloyd-austin"),
        ("Shoigu Kharkov", "PERSON", 37, None),
        ("Dana Whitcombe", "PERSON", 70, None),
    ]
    assert (found[0].before, found[1].fuzzy_name, found[1].fuzzy_score) == ("Mrs ", "Lloyd Austin", 0.733)
    assert text[found[3].start: found[3].end] == "Dana Whitcombe"


def forms(clusters):
    return [sorted(c.forms.elements()) for c in clusters]


def test_clusters_by_key_translit_and_nearest_neighbour():
    clusters = cluster_sightings([
        S("Izyum", "GPE"), S("Izjum", "GPE"), S("IZYUM", "GPE"),      # fold and translit keys
        S("Woltz"), S("Volts"),                                        # same translit key, not alike (60)
        S("Shoigou"), S("Shoigu"), S("Shoigu", "GPE", "d2"),           # near spelling, same label kind
    ])
    assert forms(clusters) == [["Shoigou", "Shoigu", "Shoigu"], ["IZYUM", "Izjum", "Izyum"], ["Volts"], ["Woltz"]]


def test_nearest_neighbour_keeps_label_kinds_apart():
    clusters = cluster_sightings([S("Shoigou"), S("Shoigu", "GPE")])
    assert forms(clusters) == [["Shoigou"], ["Shoigu"]]


def test_surnames_join_their_person():
    clusters = cluster_sightings([
        S("Olena Testenko", doc="a"), S("Testenko", "GPE", doc="a"),  # same document, any label
        S("Testenko", doc="b"),                                        # a person elsewhere
    ])
    assert forms(clusters) == [["Olena Testenko", "Testenko", "Testenko"]]
    assert clusters[0].name == "Olena Testenko" and clusters[0].label == "PERSON"
    elsewhere = cluster_sightings([S("Olena Testenko", doc="a"), S("Testenko", "GPE", doc="c")])
    assert forms(elsewhere) == [["Olena Testenko"], ["Testenko"]]  # a place in another document


def by_action(proposals):
    return [(p.action, p.entry.canonical_id if p.entry else p.new["id"], p.names) for p in proposals]


def test_proposals_from_fuzzy_near_spelling_and_new_names(mini):
    sightings = [
        S("Lloyd Austen", doc="a", fuzzy_id="person:lloyd-austin", fuzzy_name="Lloyd Austin", fuzzy_score=0.733),
        S("Lloyd Austen", doc="b", fuzzy_id="person:lloyd-austin", fuzzy_name="Lloyd Austin", fuzzy_score=0.733),
        S("Kupianks", doc="a"), S("Kupianks", doc="b"), S("Kupianks", doc="c"),
        S("Olena Testenko", doc="a"), S("Testenko", "GPE", doc="a"),
        S("Lyman", doc="a"), S("Lyman", doc="b"),          # a name the gazetteer has (weak): no gap
        S("Once Only", "ORG"),                             # below --min-count
    ]
    proposals = propose(sightings, mini)
    assert by_action(proposals) == [
        ("add-variants", "geonames:703656", ["Kupianks"]),
        ("add-variants", "person:lloyd-austin", ["Lloyd Austen"]),
        ("new-entry", "person:olena-testenko", ["Olena Testenko", "Testenko"]),
    ]
    kupianks, austen, testenko = proposals
    assert kupianks.reason == ("'Kupianks' is a near spelling of 'Kupiansk' (similarity 88 of 100); "
                               "note: NER labelled it PERSON, the entry is a city")
    assert kupianks.score == 0.7
    assert austen.reason == "the tool already matched 'Lloyd Austen' to it by a close spelling ('Lloyd Austin')"
    assert testenko.new == {"id": "person:olena-testenko", "name": "Olena Testenko", "type": "person",
                            "variants": ["Testenko"]}
    assert testenko.reason == "no entry is close; type guessed from NER's labels (PERSON 1, GPE 1)"
    assert by_action(propose(sightings, mini, min_count=3)) == [("add-variants", "geonames:703656", ["Kupianks"])]
    assert len(propose(sightings, mini, limit=1)) == 1


def at(text, words, label, doc):
    """A sighting of ``words`` where they stand in ``text`` (its real offsets and context)."""
    start = text.index(words)
    end = start + len(words)
    return Sighting(words, label, doc, start, end, text[max(0, start - 60):start], text[end:end + 60])


def test_a_new_entry_carries_every_variant_the_corpus_ids_joined(mini):
    """The clusters start from annotate's own corpus ids: initials, a defined acronym, other romanizations."""
    first = "Dmytro Verkhovskyi chairs the Northern Grain Cooperative (NGC)."
    second = "Verkhovsky and D. Verkhovskiy left the NGC meeting early."
    sightings = [at(first, "Dmytro Verkhovskyi", "PERSON", "a"), at(first, "Northern Grain Cooperative", "ORG", "a"),
                 at(second, "Verkhovsky", "PERSON", "b"), at(second, "D. Verkhovskiy", "PERSON", "b"),
                 at(second, "NGC", "ORG", "b")]
    proposals = {p.new["id"]: p for p in propose(sightings, mini, min_count=2)}
    assert set(proposals) == {"person:dmytro-verkhovskyi", "org:northern-grain-cooperative"}
    person = proposals["person:dmytro-verkhovskyi"]
    assert person.new["name"] == "Dmytro Verkhovskyi"
    assert sorted(person.names) == ["D. Verkhovskiy", "Dmytro Verkhovskyi", "Verkhovsky"]
    assert proposals["org:northern-grain-cooperative"].names == ["Northern Grain Cooperative", "NGC"]


def judged(tmp_path, text):
    path = tmp_path / "judged.yaml"
    path.write_text(text, encoding="utf-8")
    return load_gazetteer([MINI, path], shipped=False)


def test_rejected_pairing_is_never_proposed(tmp_path):
    sightings = [S("Kupianks", doc="a"), S("Kupianks", doc="b")]
    gazetteer = judged(tmp_path, "- id: geonames:703656\n  not: [Kupianks]\n")
    assert by_action(propose(sightings, gazetteer)) == [("new-entry", "person:kupianks", ["Kupianks"])]
    no_entity = judged(tmp_path, "- not: [{name: Kupianks, label: PERSON}]\n")
    assert propose(sightings, no_entity) == []


def test_rejection_in_context_keeps_other_mentions(tmp_path):
    gazetteer = judged(tmp_path, "- id: geonames:703656\n  not: [{name: Kupianks, context: Dr Kupianks}]\n")
    sightings = [S("Kupianks", before="said Dr "), S("Kupianks", before="Dr "), S("Kupianks", before="shelled "),
                 S("Kupianks", before="near ")]
    (proposal,) = propose(sightings, gazetteer)
    assert proposal.entry.canonical_id == "geonames:703656"
    assert [s.before for s in proposal.cluster.sightings] == ["shelled ", "near "]


class FakePlaces:
    """Stands in for the GeoNames index: name -> places."""

    def __init__(self, places):
        self.places = places

    def candidates(self, name, *, limit=25):
        return [(p, "fold") for p in self.places.get(name, [])][:limit]


def test_geonames_gives_new_places_their_id_type_and_coordinates(mini):
    village = Place("geonames:700001", "Novomykhailivka", "city", "UA", "05", 47.8, 37.3, 1200)
    places = FakePlaces({"Novomykhailivka": [village], "Charkiw": [
        Place("geonames:706483", "Kharkiv", "city", "UA", "07", 49.98, 36.25, 1_430_000)]})
    sightings = [S("Novomykhailivka", "GPE", "a"), S("Novomykhailivka", "GPE", "b"),
                 S("Alberta", "GPE", "a"), S("Alberta", "GPE", "b"), S("Charkiw", "GPE", "a"), S("Charkiw", "GPE", "b")]
    region, kharkiv, new_village = propose(sightings, mini, places=places)
    assert (kharkiv.action, kharkiv.entry.canonical_id, kharkiv.reason) == (
        "add-variants", "geonames:706483", "GeoNames calls geonames:706483 'Charkiw' too")
    assert new_village.new == {"id": "geonames:700001", "name": "Novomykhailivka", "type": "village",
                               "country": "UA", "lat": 47.8, "lon": 37.3}
    assert new_village.reason.endswith("GeoNames has one place of this name (geonames:700001, UA, population 1200): "
                                       "check it is the one meant")
    assert region.new["type"] == "region" and region.new["id"] == "place:alberta"


def test_kwic_prefers_different_documents_and_cuts_at_words():
    sightings = [S("Kupianks", doc="a", before="x " * 40 + "troops near ", after=" on Monday, " + "y " * 40),
                 S("Kupianks", doc="a", before="in ", after="."), S("Kupianks", doc="b", before="to ", after="!")]
    lines = kwic(sightings, limit=2, width=20)
    assert lines == ["… x x x troops near [Kupianks] on Monday, y y y y…", "to [Kupianks]!"]


# -- the command, with the real model ------------------------------------------------------

@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """suggest over the fixture corpus with the analyst's own gazetteer only."""
    folder = tmp_path_factory.mktemp("suggest")
    shutil.copy(ANALYST, folder / "analyst.yaml")
    patch = folder / "patch.yaml"
    result = suggest(folder, "-o", str(patch))
    return folder, patch, result


def suggest(folder: Path, *args):
    return CliRunner().invoke(main, ["suggest", str(CORPUS), "--no-shipped", "--no-world",
                                     "-g", str(folder / "analyst.yaml"), *args])


def summary(patch_text: str):
    data = yaml.safe_load(patch_text)
    return [(p["action"], p.get("id") or p["new"]["id"], p.get("variants") or p["new"].get("variants"))
            for p in data["proposals"]]


def test_suggest_command_writes_a_patch(first_run):
    folder, patch, result = first_run
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(f"6 proposal(s) from 14 mentions in 3 documents, written to {patch}\n")
    text = patch.read_text(encoding="utf-8")
    assert summary(text) == [
        ("add-variants", "geonames:703656", [{"name": "Kupianks", "kind": "misspelling"}]),
        ("new-entry", "person:olena-testenko", ["Testenko"]),
        ("add-variants", "org:ukrenergo", [{"name": "Ukrenerho", "kind": "misspelling"}]),
        ("add-variants", "person:volodymyr-zelensky", [{"name": "Zelensy", "kind": "misspelling"}]),
        ("new-entry", "person:marta-lyman", ["Lyman"]),
        ("new-entry", "org:washington", None),
    ]
    data = yaml.safe_load(text)
    assert data["suggest"]["into"] == str(folder / "analyst.yaml")
    first = data["proposals"][0]
    assert (first["accept"], first["reject"]) == (False, False)
    assert first["seen"] == "3 mentions in 2 documents (NER: PERSON 3)"
    assert first["documents"] == [str(CORPUS / "grid-repairs.txt"), str(CORPUS / "kupiansk-shelling.txt")]
    assert first["context"][1] == ("KHARKIV, Ukraine - Russian artillery shelled [Kupianks] overnight, "
                                   "the governor of the Kharkiv region…")
    assert "#   accept: true   apply it." in text


def test_suggest_to_stdout_and_unreadable_input(tmp_path):
    shutil.copy(ANALYST, tmp_path / "analyst.yaml")
    result = CliRunner().invoke(main, ["suggest", "-q", str(CORPUS / "washington.txt"), str(tmp_path / "missing.txt"),
                                       "--no-shipped", "--no-world", "-g", str(tmp_path / "analyst.yaml")])
    assert result.exit_code == 1
    assert result.stdout.startswith("# Gazetteer proposals from `entity-normalizer suggest`.")
    assert summary(result.stdout) == [("new-entry", "person:marta-lyman", ["Lyman"]),
                                      ("new-entry", "org:washington", None)]
    assert result.stderr == (f"error: {tmp_path / 'missing.txt'}: cannot read: No such file or directory\n"
                             "Error: 1 input(s) could not be read (see above)\n")


def test_round_trip_and_rejections_stick(first_run):
    folder, patch, _ = first_run
    text = patch.read_text(encoding="utf-8")
    blocks = text.split("\n- proposal: ")
    decide = {1: "accept", 2: "accept", 3: "reject", 6: "reject"}
    for number, what in decide.items():
        blocks[number] = blocks[number].replace(f"{what}: false", f"{what}: true", 1)
    patch.write_text("\n- proposal: ".join(blocks), encoding="utf-8")
    before = (folder / "analyst.yaml").read_text(encoding="utf-8")
    applied = CliRunner().invoke(main, ["gazetteer", "apply", str(patch)])
    assert applied.exit_code == 0, applied.output
    after = (folder / "analyst.yaml").read_text(encoding="utf-8")
    # The old file is intact byte for byte but for the lines added to the two changed entries;
    # the new entry and the judgement about no entity are appended.
    expected = before.replace(
        "    # - Kupjansk", "    - {name: Kupianks, kind: misspelling}\n    # - Kupjansk"
    ).replace("  note: the state grid operator\n", "  note: the state grid operator\n  not:\n    - Ukrenerho\n")
    assert after.startswith(expected)
    assert after[len(expected):] == (
        "\n# from suggest proposal 2: 3 mentions in 2 documents (NER: PERSON 3)\n"
        "- id: person:olena-testenko\n  name: Olena Testenko\n  type: person\n  variants:\n    - Testenko\n"
        '\n- not:\n    - Washington\n  note: "judged no entity (suggest proposal 6)"\n')
    again = suggest(folder, "-q")
    assert again.exit_code == 0, again.output
    assert summary(again.stdout) == [
        ("new-entry", "org:ukrenerho", None),          # no longer proposed for org:ukrenergo
        ("add-variants", "person:volodymyr-zelensky", [{"name": "Zelensy", "kind": "misspelling"}]),
        ("new-entry", "person:marta-lyman", ["Lyman"]),
    ]

