"""The opt-in geoparsing conventions: nested toponyms and demonyms, wiring, output (own sentences)."""
from __future__ import annotations

import json

import pytest
import spacy
from click.testing import CliRunner

from normalizer import annotate, cli, doc_records, load
from normalizer.cli import common as cli_common
from normalizer.corpus.formats import inline
from normalizer.errors import ConfigError, NormalizerError
from normalizer.pipeline.component import EntityNormalizer
from normalizer.pipeline.conventions import CONVENTIONS, SPAN_GROUP, check_conventions
from normalizer.world.demonyms import countries_of, forms

from ..conftest import MINI, annotate_with_ents

RUSSIA = "geonames:2017370"
PALESTINE = "geonames:6254930"
TULSA = "geonames:4553433"
BIRMINGHAM_ENGLAND = "geonames:2655603"
BIRMINGHAM_ALABAMA = "geonames:4049979"


@pytest.fixture(scope="session")
def geo(mini_gazetteer) -> EntityNormalizer:
    """The component over the mini gazetteer and the default world layer, geoparsing conventions."""
    return EntityNormalizer(spacy.blank("en"), gazetteer=mini_gazetteer, conventions="geoparse")


@pytest.fixture(scope="session")
def plain(mini_gazetteer) -> EntityNormalizer:
    return EntityNormalizer(spacy.blank("en"), gazetteer=mini_gazetteer)


def extra(doc) -> list[tuple[str, str, str]]:
    return [(s.text, s.kb_id_, s._.convention) for s in doc.spans[SPAN_GROUP]]


# -- demonym data -------------------------------------------------------------------------------
def test_demonym_plural_forms_by_rule():
    assert forms("Russian") == ["Russian", "Russians"]
    assert forms("Israeli") == ["Israeli", "Israelis"]
    assert forms("Czech") == ["Czech", "Czechs"]
    assert forms("Chinese") == ["Chinese"]
    assert forms("French") == ["French"]
    assert forms("Swiss") == ["Swiss"]


def test_demonyms_name_countries_capitalized_only():
    assert countries_of("Palestinians") == ("PS",)
    assert countries_of("Sri Lankan") == ("LK",)
    assert countries_of("Saudi") == ("SA",)
    assert "CN" in countries_of("Chinese")
    assert countries_of("russian") == ()
    assert countries_of("Moscow") == ()


# -- the option ---------------------------------------------------------------------------------
def test_unknown_conventions_are_rejected_with_the_choices():
    assert check_conventions("geoparse") == "geoparse"
    with pytest.raises(ConfigError) as err:
        check_conventions("geo")
    assert str(err.value) == "unknown conventions 'geo': use one of 'normalizer', 'geoparse'"
    assert isinstance(err.value, NormalizerError) and isinstance(err.value, ValueError)


def test_component_and_load_reject_unknown_conventions():
    nlp = spacy.blank("en")
    with pytest.raises(ConfigError):
        nlp.add_pipe("entity_normalizer", config={"world": False, "conventions": "Geoparse"})
    with pytest.raises(ConfigError):
        load("blank:en", conventions="edinburgh")
    with pytest.raises(ConfigError):
        annotate("Kiev.", conventions="none")


def test_cli_offers_the_same_conventions():
    assert cli_common.CONVENTIONS == CONVENTIONS


def test_conventions_persist_with_the_pipeline(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_normalizer", config={"gazetteer_paths": [str(MINI)], "shipped": False, "world": False,
                                              "conventions": "geoparse"})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("entity_normalizer").conventions == "geoparse"
    assert loaded.config["components"]["entity_normalizer"]["conventions"] == "geoparse"


# -- nested toponyms ----------------------------------------------------------------------------
def test_place_nested_in_an_organisation(geo):
    doc = annotate_with_ents(spacy.blank("en"), geo,
                             "A spokesman for the Tulsa Fire Department declined to comment.",
                             [("Tulsa Fire Department", "ORG")])
    [span] = doc.spans[SPAN_GROUP]
    assert (span.text, span.label_, span.kb_id_, span._.convention) == ("Tulsa", "GPE", TULSA, "nested")
    assert span._.canonical_name == "Tulsa" and span._.lat is not None and span._.lon is not None
    assert [e.text for e in doc.ents] == ["Tulsa Fire Department"]  # doc.ents keep the default conventions


def test_a_titles_article_is_kept_and_no_part_of_the_nested_place(geo, plain):
    text = "The mayor told The Tulsa Courier about the plan."
    ents = [("Tulsa Courier", "ORG")]
    doc = annotate_with_ents(spacy.blank("en"), geo, text, ents)
    assert [(e.text, e.label_) for e in doc.ents] == [("The Tulsa Courier", "ORG")]
    assert extra(doc) == [("Tulsa", TULSA, "nested")]
    first = annotate_with_ents(spacy.blank("en"), plain, "The Tulsa Courier said so.", ents)
    assert [e.text for e in first.ents] == ["Tulsa Courier"]  # the sentence's "The": no part of the name


def test_institution_words_are_not_places_and_after_of_counts(geo):
    doc = annotate_with_ents(spacy.blank("en"), geo, "He lectures at the University of Tulsa now.",
                             [("University of Tulsa", "ORG")])
    assert extra(doc) == [("Tulsa", TULSA, "nested")]  # not "University" (a town in Florida)


def test_namesake_chosen_with_the_document_context(geo):
    text = "The Birmingham Police Department said the van was headed for Huntsville, Alabama."
    alone = annotate_with_ents(spacy.blank("en"), geo, "The Birmingham Police Department said so.",
                               [("Birmingham Police Department", "ORG")])
    assert extra(alone) == [("Birmingham", BIRMINGHAM_ENGLAND, "nested")]
    doc = annotate_with_ents(spacy.blank("en"), geo, text,
                             [("Birmingham Police Department", "ORG"), ("Huntsville", "GPE"), ("Alabama", "GPE")])
    assert extra(doc) == [("Birmingham", BIRMINGHAM_ALABAMA, "nested")]


def test_small_town_needs_the_documents_support(geo):
    alone = annotate_with_ents(spacy.blank("en"), geo, "The Natchitoches Fire Department came quickly.",
                               [("Natchitoches Fire Department", "ORG")])
    assert extra(alone) == []  # a town of 18,000 nobody else in the text names
    text = "The Natchitoches Fire Department came quickly to a barn in Natchitoches."
    doc = spacy.blank("en").make_doc(text)
    second = text.rindex("Natchitoches")
    doc.ents = [doc.char_span(4, 32, label="ORG"), doc.char_span(second, second + 12, label="GPE")]
    doc = geo(doc)
    assert [(s.text, s.start_char, s._.convention) for s in doc.spans[SPAN_GROUP]] == [("Natchitoches", 4, "nested")]


def test_no_nested_place_in_streets_person_names_or_resolved_places(geo):
    doc = annotate_with_ents(spacy.blank("en"), geo,
                             "Grace Houston moved from New Orleans to 40 Denver Avenue near the Kentucky River.",
                             [("Grace Houston", "PERSON"), ("New Orleans", "GPE"), ("Denver Avenue", "FAC"),
                              ("Kentucky River", "LOC")])
    assert extra(doc) == []


def test_the_whole_entity_is_not_nested_in_itself(geo):
    doc = annotate_with_ents(spacy.blank("en"), geo, "Officials in Tulsa agreed.", [("Tulsa", "ORG")])
    assert extra(doc) == []


# -- demonyms -----------------------------------------------------------------------------------
def test_demonyms_are_their_countries(geo):
    text = "Russian diplomats met Palestinians and a Sri Lankan envoy; the talks were held in French."
    doc = annotate_with_ents(spacy.blank("en"), geo, text,
                             [("Russian", "NORP"), ("Palestinians", "NORP"), ("French", "LANGUAGE")])
    assert extra(doc) == [("Russian", RUSSIA, "demonym"), ("Palestinians", PALESTINE, "demonym"),
                          ("Sri Lankan", "geonames:1227603", "demonym")]
    russian = doc.spans[SPAN_GROUP][0]
    assert (russian.label_, russian._.match_kind, russian._.canonical_name) == ("GPE", "demonym", "Russia")
    assert russian._.lat is not None


def test_demonyms_inside_names_of_people_and_resolved_places_are_not(geo):
    doc = annotate_with_ents(spacy.blank("en"), geo, "Rosa Irish flew to the Dominican Republic.",
                             [("Rosa Irish", "PERSON"), ("Dominican Republic", "GPE")])
    assert doc.ents[1].kb_id_  # the country itself
    assert extra(doc) == []


def test_demonym_in_an_organisation_name(geo):
    doc = annotate_with_ents(spacy.blank("en"), geo, "A note from the Russian Foreign Ministry arrived.",
                             [("Russian Foreign Ministry", "ORG")])
    assert extra(doc) == [("Russian", RUSSIA, "demonym")]


# -- records and formats ------------------------------------------------------------------------
def test_records_include_the_extra_spans_in_text_order(geo):
    text = "Russian officials thanked the Tulsa Fire Department."
    doc = annotate_with_ents(spacy.blank("en"), geo, text,
                             [("Russian", "NORP"), ("Tulsa Fire Department", "ORG")])
    records = doc_records(doc)
    assert [(r["text"], r["label"], r.get("convention")) for r in records] == [
        ("Russian", "GPE", "demonym"),
        ("Tulsa Fire Department", "ORG", None),
        ("Tulsa", "GPE", "nested"),
    ]
    assert records[0]["id"] == RUSSIA and records[0]["match"] == "demonym" and "lat" in records[0]
    assert [r["start"] for r in records] == sorted(r["start"] for r in records)


def test_default_conventions_add_nothing(plain):
    text = "Russian officials thanked the Tulsa Fire Department."
    doc = annotate_with_ents(spacy.blank("en"), plain, text,
                             [("Russian", "NORP"), ("Tulsa Fire Department", "ORG")])
    assert SPAN_GROUP not in doc.spans
    assert [(r["text"], r["label"]) for r in doc_records(doc)] == [("Tulsa Fire Department", "ORG")]
    assert all("convention" not in r for r in doc_records(doc))


def test_inline_text_marks_nested_spans_inside():
    text = "At the University of Tulsa today."
    spans = [
        {"start": 7, "end": 26, "text": "University of Tulsa", "label": "ORG", "id": None, "name": None},
        {"start": 21, "end": 26, "text": "Tulsa", "label": "GPE", "id": TULSA, "name": "Tulsa",
         "convention": "nested"},
    ]
    assert [text[s["start"]:s["end"]] for s in spans] == [s["text"] for s in spans]
    assert inline(text, spans) == (
        "At the [University of [Tulsa|GPE|geonames:4553433|Tulsa]|ORG|?] today.")


def test_inline_text_without_overlaps_is_unchanged():
    spans = [{"start": 0, "end": 4, "text": "Kiev", "label": "GPE", "id": "geonames:703448", "name": "Kyiv"}]
    assert inline("Kiev and Izum.", spans) == "[Kiev|GPE|geonames:703448|Kyiv] and Izum."


# -- the command --------------------------------------------------------------------------------
BASE = ["annotate", "--model", "blank:en", "--no-world", "--no-shipped", "--gazetteer", str(MINI)]


def test_cli_geoparse_conventions_mark_demonyms():
    result = CliRunner().invoke(cli.main, BASE + ["--conventions", "geoparse", "-f", "text", "-"],
                                input="Russian troops left Izum.")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "# -\n[Russian|GPE|geonames:2017370|Russia] troops left [Izum|GPE|geonames:707292|Izium].\n\n")


def test_cli_geoparse_jsonl_record_says_why():
    result = CliRunner().invoke(cli.main, BASE + ["--conventions", "geoparse", "-"], input="Russians left Izum.")
    assert result.exit_code == 0, result.output
    spans = json.loads(result.stdout)["spans"]
    assert [(s["text"], s["id"], s.get("convention")) for s in spans] == [
        ("Russians", RUSSIA, "demonym"), ("Izum", "geonames:707292", None)]


def test_cli_default_conventions_leave_demonyms_alone():
    result = CliRunner().invoke(cli.main, BASE + ["-f", "text", "-"], input="Russian troops left Izum.")
    assert result.exit_code == 0
    assert result.stdout == "# -\nRussian troops left [Izum|GPE|geonames:707292|Izium].\n\n"


def test_cli_rejects_unknown_conventions():
    result = CliRunner().invoke(cli.main, BASE + ["--conventions", "geo", "-"], input="Izum.")
    assert result.exit_code == 2
    assert "Invalid value for '--conventions': 'geo' is not one of 'normalizer', 'geoparse'." in result.output
