"""The spaCy component: factory, kb_id_, extensions, serialization."""
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

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


@pytest.mark.parametrize(("text", "ents", "expected"), [
    # a company's name without its legal form is the one company of the document with it
    ("Quarnby AG hired. Quarnby grew.", ["Quarnby AG", "Quarnby"], ["new:org:quarnby-ag"] * 2),
    ("Quarnby grew, as Quarnby Ltd. said.", ["Quarnby", "Quarnby Ltd."], ["new:org:quarnby-ltd"] * 2),
    # two companies of that name: neither
    ("Quarnby AG and Quarnby Inc merged. Quarnby grew.", ["Quarnby AG", "Quarnby Inc", "Quarnby"],
     ["new:org:quarnby-ag", "new:org:quarnby-inc", "new:org:quarnby"]),
    # no legal form: names apart
    ("Quarnby Bank hired. Quarnby grew.", ["Quarnby Bank", "Quarnby"], ["new:org:quarnby-bank", "new:org:quarnby"]),
])
def test_nil_ids_give_a_company_and_its_name_without_legal_form_one_id(text, ents, expected):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_normalizer", config={"gazetteer_paths": [str(MINI)], "shipped": False, "world": False,
                                              "nil_ids": True})
    doc, spans, at = nlp.make_doc(text), [], 0
    for name in ents:  # each after the one before
        at = text.index(name, at)
        spans.append(doc.char_span(at, at + len(name), label="ORG"))
        at += len(name)
    doc.ents = spans
    assert [e.kb_id_ for e in nlp.get_pipe("entity_normalizer")(doc).ents] == expected


def test_without_nil_ids_unknown_entities_keep_a_null_id():
    doc = make_nlp()("Olena Testenko arrived.")
    assert list(doc.ents) == []  # blank pipeline: no NER, and no curated name here
    nlp = make_nlp()
    doc = nlp.make_doc("Olena Testenko arrived.")
    doc.ents = [doc.char_span(0, 14, label="PERSON")]
    [ent] = nlp.get_pipe("entity_normalizer")(doc).ents
    assert (ent.kb_id_, ent._.match_kind) == ("", "none")


def _annotated(nlp, text: str, ents: list[tuple[int, int, str]]):
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(start, end, label=label) for start, end, label in ents]
    return nlp.get_pipe("entity_normalizer")(doc)


def test_extension_values_written_at_once_are_those_span_underscore_writes(monkeypatch):
    """``set_annotations`` writes a span's ``Span._`` values with one update of ``doc.user_data`` when
    spaCy keys them as expected: the same keys, values and order as writing them one by one."""
    from normalizer.pipeline import component

    assert component._direct_extension_keys()
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_normalizer", config={"gazetteer_paths": [str(MINI)], "shipped": False, "world": False,
                                              "nil_ids": True})
    text = "Mara Quist of Testbank Group left Izyum for Kupyansk on Friday."
    ents = [(0, 10, "PERSON"), (14, 28, "ORG"), (56, 62, "DATE")]
    direct = _annotated(nlp, text, ents)
    monkeypatch.setattr(component, "_direct_extension_keys", lambda: False)
    one_by_one = _annotated(nlp, text, ents)
    assert list(direct.user_data.items()) == list(one_by_one.user_data.items())
    assert [(e.text, e.kb_id_, e._.match_kind, e._.canonical_name) for e in direct.ents] == [
        ("Mara Quist", "new:person:mara-quist", "none", "Mara Quist"),
        ("Testbank Group", "new:org:testbank-group", "none", "Testbank Group"),
        ("Izyum", "geonames:707292", "exact", "Izium"), ("Kupyansk", "geonames:703656", "exact", "Kupiansk"),
        ("Friday", "", None, None)]


def test_set_annotations_takes_the_entities_before_from_the_caller():
    nlp = make_nlp()
    doc = nlp.make_doc("On Friday troops left Izyum.")
    doc.ents = [doc.char_span(3, 9, label="DATE")]
    before = doc.ents
    doc.ents = []  # what the caller read before is what counts
    normalizer = nlp.get_pipe("entity_normalizer")
    from normalizer.pipeline.mentions import find_mentions

    normalizer.set_annotations(doc, find_mentions(doc, normalizer.resolver, labels=normalizer.labels), ents=before)
    assert [(e.text, e.label_) for e in doc.ents] == [("Friday", "DATE"), ("Izyum", "GPE")]


def test_names_whose_context_did_not_change_resolve_as_when_resolved_again(sm_nlp, monkeypatch):
    """resolve_mentions skips a mention whose name's context (``DocumentContext.version``) and cue are
    those it was resolved with in the last pass; resolving every mention in every pass gives the same."""
    from normalizer.pipeline import document_context
    from normalizer.pipeline.records import doc_records

    texts = ["Crews from Paducah and Florence met in Dover on Monday. Officials in Dover said Paducah crews left.",
             "The mayor of Salem met officials from Portland. Salem and Portland will share costs, the Oregon "
             "governor said. Kent County deputies said a man from Dover was held in Smyrna."]
    built, leaving_out = [], document_context.DocumentContext.leaving_out
    monkeypatch.setattr(document_context.DocumentContext, "leaving_out",
                        lambda self, key: built.append(key) or leaving_out(self, key))
    skipping = [doc_records(sm_nlp(text)) for text in texts]
    taken = len(built)
    counter = iter(range(10**9))  # a new version every time: no context is ever the last one
    monkeypatch.setattr(document_context.DocumentContext, "version", lambda self, key: next(counter))
    assert [doc_records(sm_nlp(text)) for text in texts] == skipping
    assert len(built) - taken > taken  # contexts were skipped the first time round
    assert all(any(r["id"] for r in records) for records in skipping)


_ENT_ATTRS = ["ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID"]


@st.composite
def _entity_cases(draw):
    """A document, maybe with entities already (ids and all, as NER or a caller left them), and entities to set."""
    n = draw(st.integers(0, 12))
    doc = Doc(Vocab(), words=[f"w{i}" for i in range(n)])

    def spans(kb_ids: bool) -> list[Span]:
        out, at = [], 0
        while at < n and draw(st.booleans()):
            start = draw(st.integers(at, n - 1))
            end = draw(st.integers(start + 1, min(n, start + 3)))
            kb = draw(st.sampled_from(["", "kb:1", "kb:2"])) if kb_ids else ""
            key = draw(st.sampled_from(["", "id:1"])) if kb_ids else ""
            label = draw(st.sampled_from(["GPE", "ORG", "DATE"]))
            out.append(Span(doc, start, end, label=label, kb_id=kb, span_id=key))
            at = end
        return out

    if draw(st.booleans()):
        doc.ents = spans(True)  # else no entity annotation at all (a blank pipeline's documents)
    return doc, spans(draw(st.booleans()))


@settings(max_examples=300, deadline=None)
@given(_entity_cases())
def test_entities_are_set_as_doc_ents_sets_them(case):
    from normalizer.pipeline.component import _set_entities

    doc, entities = case
    expected = doc.copy()
    expected.ents = [Span(expected, e.start, e.end, label=e.label, kb_id=e.kb_id, span_id=e.id) for e in entities]
    _set_entities(doc, entities)
    assert (doc.to_array(_ENT_ATTRS) == expected.to_array(_ENT_ATTRS)).all()
    assert doc.has_annotation("ENT_IOB") == expected.has_annotation("ENT_IOB")
    assert [(e.start, e.end, e.label_, e.kb_id_, e.id_) for e in doc.ents] == [
        (e.start, e.end, e.label_, e.kb_id_, e.id_) for e in expected.ents]


def test_overlapping_entities_are_refused_as_doc_ents_refuses_them():
    from normalizer.pipeline.component import _set_entities

    doc = Doc(Vocab(), words=["Upper", "Fenwick", "Road", "works"])
    with pytest.raises(ValueError):
        _set_entities(doc, [Span(doc, 0, 2, label="GPE"), Span(doc, 1, 3, label="GPE")])
