"""The batch core: one outcome per document, long texts in pieces, invisible characters, worker processes."""
import os
import signal
import time
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from normalizer import AnnotationError, annotate_many
from normalizer.corpus.batch import annotate_documents, annotate_parallel
from normalizer.corpus.inputs import Document
from normalizer.pipeline.load import PipelineConfig

from ..conftest import MINI

NAMES = {"Kharkiv": "geonames:706483", "Izium": "geonames:707292", "Kupiansk": "geonames:703656",
         "Kyiv": "geonames:703448"}
FORMAT_CHARACTERS = ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\u202e", "\u202c", "\u2066", "\u200e"]
CONFIG = PipelineConfig(model="blank:en", gazetteers=(str(MINI),), shipped=False, world=False)


@Language.component("test_fails_on_marker")
def _fails_on_marker(doc):
    if "EXPLODE" in doc.text:
        raise ValueError("this component refuses the marker")
    return doc


@pytest.fixture(scope="module")
def fragile_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("test_fails_on_marker")
    nlp.add_pipe("entity_normalizer", config={"gazetteer_paths": [str(MINI)], "shipped": False, "world": False})
    return nlp


def _docs(*texts):
    return [Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]


def test_one_failing_document_does_not_stop_its_batch(fragile_nlp):
    outcomes = list(annotate_documents(fragile_nlp, _docs("Kyiv at night.", "EXPLODE in Kharkiv", "Izium."),
                                       batch_size=8))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert [s["id"] for s in outcomes[0].spans] == ["geonames:703448"]
    assert [s["id"] for s in outcomes[2].spans] == ["geonames:707292"]
    assert outcomes[1].error == (
        "could not be annotated: ValueError: this component refuses the marker "
        "(the other documents are not affected; please report this with the document)")


def test_library_call_raises_for_the_failing_text(fragile_nlp):
    with pytest.raises(AnnotationError, match=r"^text 1: could not be annotated: ValueError"):
        list(annotate_many(["Kyiv.", "EXPLODE"], nlp=fragile_nlp))


def test_long_text_is_annotated_in_pieces_with_true_offsets(blank_nlp):
    sentences = [f"Crews in {name} fixed a line after the storm." for name in NAMES] * 60
    paragraphs = [" ".join(sentences[i:i + 7]) for i in range(0, len(sentences), 7)]
    text = "\n\n".join(paragraphs)
    blank_nlp.max_length = 2_000
    try:
        [outcome] = annotate_documents(blank_nlp, [Document(id="long", text=text)])
        assert len(text) > 5 * blank_nlp.max_length
    finally:
        blank_nlp.max_length = 1_000_000
    spans = outcome.spans
    assert len(spans) == len(sentences)
    assert all(text[s["start"]:s["end"]] == s["text"] for s in spans)
    assert [s["id"] for s in spans] == [NAMES[s["text"]] for s in spans]
    assert [s["start"] for s in spans] == sorted(s["start"] for s in spans)


@given(name=st.sampled_from(sorted(NAMES)), data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_names_behind_invisible_characters_still_resolve(blank_nlp, name, data):
    inserted = data.draw(st.lists(st.tuples(st.integers(0, len(name)), st.sampled_from(FORMAT_CHARACTERS)),
                                  min_size=1, max_size=3))
    written = name
    for position, char in sorted(inserted, reverse=True):
        written = written[:position] + char + written[position:]
    text = f"Shelling hit {written} overnight."
    [outcome] = annotate_documents(blank_nlp, [Document(id="x", text=text)])
    [span] = outcome.spans
    assert span["id"] == NAMES[name]
    assert text[span["start"]:span["end"]] == span["text"]
    assert span["text"].strip("".join(FORMAT_CHARACTERS)) == written.strip("".join(FORMAT_CHARACTERS))
    assert span["text"][0] == name[0] and span["text"][-1] == name[-1]


def _corpus(n):
    return [Document(id=f"d{i}", text=" ".join(f"Trains left {name} on time." for name in list(NAMES)[: 1 + i % 4]))
            for i in range(n)]


def test_worker_processes_give_the_serial_outcomes_in_order(blank_nlp):
    documents = _corpus(120)
    serial = [(o.document.id, o.spans) for o in annotate_documents(blank_nlp, documents, batch_size=8)]
    parallel = [(o.document.id, o.spans) for o in annotate_parallel(documents, config=CONFIG, jobs=2, batch_size=8)]
    assert parallel == serial


def _worker_pids():
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:"))
            if parent == os.getpid() and b"spawn_main" in command:
                pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="finds worker processes through /proc")
def test_a_killed_worker_costs_nothing_but_time(blank_nlp):
    documents = _corpus(200)
    serial = [(o.document.id, o.spans) for o in annotate_documents(blank_nlp, documents, batch_size=4)]
    outcomes = annotate_parallel(documents, config=CONFIG, jobs=2, batch_size=4)
    got = [next(outcomes)]
    deadline = time.monotonic() + 30
    while not (workers := _worker_pids()) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(workers[0], signal.SIGKILL)
    got += list(outcomes)
    assert [(o.document.id, o.spans) for o in got] == serial
    assert all(o.ok for o in got)


@pytest.mark.parametrize(("text", "written"), [
    ("Officials said \u202eVolodymyr Zelensky\u202c met the mayor.", "Volodymyr Zelensky"),  # a bidi override
    ("We thank Volodymyr Zelensky 🙂 for the visit.", "Volodymyr Zelensky"),  # no emoji in the span
    ("Shelling hit Khar\u00adkiv overnight, officials said.", "Khar\u00adkiv"),  # a soft hyphen
])
def test_trained_pipeline_behind_invisible_characters_and_emoji(sm_nlp, text, written):
    [outcome] = annotate_documents(sm_nlp, [Document(id="x", text=text)])
    texts = [s["text"] for s in outcome.spans]
    assert written in texts
    span = outcome.spans[texts.index(written)]
    assert text[span["start"]:span["end"]] == written
    assert span["id"] in ("person:volodymyr-zelensky", "geonames:706483")
