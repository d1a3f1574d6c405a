"""The spaCy component: factory, kb_id_, extensions, serialization."""
import spacy
from spacy.tokens import DocBin, Span

from normalizer.pipeline.extensions import SPAN_EXTENSIONS, register_extensions

from ..conftest import MINI


def make_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_normalizer", config={"gazetteer_paths": [str(MINI)], "shipped": False, "world": False})
    return nlp


def test_kb_id_and_extensions():
    doc = make_nlp()("Convoys left Kupyansk for the Kharkov region.")
    kupiansk, oblast = doc.ents
    assert (kupiansk.text, kupiansk.kb_id_, kupiansk._.canonical_name) == ("Kupyansk", "geonames:703656", "Kupiansk")
    assert kupiansk._.match_kind == "exact" and kupiansk._.match_score == 1.0
    assert kupiansk._.variant_kind == "translit:ru-wikipedia"  # generated from the native name Купянск
    assert kupiansk._.entity_type == "city"
    assert oblast.kb_id_ == "place:kharkiv-oblast" and oblast._.variant == "Kharkov region"
    assert oblast.start_char == 30 and oblast.end_char == 44


def test_register_extensions_is_idempotent():
    register_extensions()
    register_extensions()
    assert all(Span.has_extension(name) for name in SPAN_EXTENSIONS)


def test_to_disk_and_spacy_load_round_trip(tmp_path):
    nlp = make_nlp()
    before = [(e.text, e.kb_id_) for e in nlp("Troops left Izum and Kiev.").ents]
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "entity_normalizer" / "gazetteer.json").is_file()
    loaded = spacy.load(tmp_path / "pipeline")  # found through the spacy_factories entry point
    after = [(e.text, e.kb_id_) for e in loaded("Troops left Izum and Kiev.").ents]
    assert before == after == [("Izum", "geonames:707292"), ("Kiev", "geonames:703448")]


def test_bytes_round_trip():
    nlp = make_nlp()
    other = spacy.blank("en")
    other.add_pipe("entity_normalizer", config={"shipped": False, "world": False})
    other.from_bytes(nlp.to_bytes())
    assert [e.kb_id_ for e in other("Shelling in Kupiansk.").ents] == ["geonames:703656"]


def test_docbin_keeps_kb_id_and_extensions():
    nlp = make_nlp()
    doc = nlp("Troops left Izyum.")
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    [back] = DocBin().from_bytes(data).get_docs(nlp.vocab)
    [ent] = back.ents
    assert (ent.kb_id_, ent._.canonical_name) == ("geonames:707292", "Izium")


def test_keeps_other_entity_labels():
    nlp = make_nlp()
    doc = nlp.make_doc("On Friday troops left Izyum.")
    doc.ents = [doc.char_span(3, 9, label="DATE")]
    doc = nlp.get_pipe("entity_normalizer")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Friday", "DATE"), ("Izyum", "GPE")]


def test_labels_config_limits_what_is_touched():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_normalizer", config={"gazetteer_paths": [str(MINI)], "shipped": False,
                                              "labels": ["PERSON"], "world": False})
    doc = nlp.make_doc("Lloyd Austin visited Kupyansk.")
    doc.ents = [doc.char_span(0, 12, label="PERSON"), doc.char_span(21, 29, label="ORG")]
    doc = nlp.get_pipe("entity_normalizer")(doc)
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Lloyd Austin", "PERSON", "person:lloyd-austin"), ("Kupyansk", "ORG", "")]


def test_nil_ids_give_unknown_people_and_organizations_a_shared_provisional_id():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_normalizer", config={"gazetteer_paths": [str(MINI)], "shipped": False, "world": False,
                                              "nil_ids": True})
    text = "Olena Testenko of Testbank Group arrived in Kiev. Testenko said Testbank Group agreed."
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(0, 14, label="PERSON"), doc.char_span(18, 32, label="ORG"),
                doc.char_span(50, 58, label="PERSON"), doc.char_span(64, 78, label="ORG")]
    doc = nlp.get_pipe("entity_normalizer")(doc)
    assert [(e.text, e.kb_id_, e._.canonical_name, e._.match_kind) for e in doc.ents] == [
        ("Olena Testenko", "new:person:olena-testenko", "Olena Testenko", "none"),
        ("Testbank Group", "new:org:testbank-group", "Testbank Group", "none"),
        ("Kiev", "geonames:703448", "Kyiv", "exact"),
        ("Testenko", "new:person:olena-testenko", "Olena Testenko", "none"),
        ("Testbank Group", "new:org:testbank-group", "Testbank Group", "none"),
    ]


def test_without_nil_ids_unknown_entities_keep_a_null_id():
    doc = make_nlp()("Olena Testenko arrived.")
    assert list(doc.ents) == []  # blank pipeline: no NER, and no curated name here
    nlp = make_nlp()
    doc = nlp.make_doc("Olena Testenko arrived.")
    doc.ents = [doc.char_span(0, 14, label="PERSON")]
    [ent] = nlp.get_pipe("entity_normalizer")(doc).ents
    assert (ent.kb_id_, ent._.match_kind) == ("", "none")
