from __future__ import annotations

import signal
from pathlib import Path

import pytest
import spacy

from normalizer.gazetteer.load import load_gazetteer
from normalizer.pipeline.component import EntityNormalizer
from normalizer.world.sources import GeoNamesSources

# A test run started in the background by a non-interactive shell ignores SIGINT, and so would every
# command the tests start (Python then never raises KeyboardInterrupt): the Ctrl-C tests need it back.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "gazetteer" / "mini.yaml"
GEONAMES = FIXTURES / "geonames"  # small GeoNames sources and dump files
DUMP_FILES = ["allCountries.txt", "alternateNamesV2.txt", "admin1CodesASCII.txt", "countryInfo.txt"]
SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def fixture_sources(directory: Path = GEONAMES, *, use_countryinfo: bool = False) -> GeoNamesSources:
    """The default index's sources, from the small fixture files (no subdivisions or counties)."""
    return GeoNamesSources(
        directory / "cities500.json", directory / "countries.json", directory / "us_states.json",
        use_countryinfo=use_countryinfo, use_regions=False,
    )


@pytest.fixture(scope="session")
def mini_gazetteer():
    return load_gazetteer([MINI], shipped=False)


@pytest.fixture(scope="session")
def blank_nlp(mini_gazetteer):
    """spacy.blank('en') with the normalizer on the mini gazetteer: no NER, free matches only."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_normalizer",
                 config={"gazetteer_paths": [str(MINI)], "shipped": False, "world": False})
    return nlp


@pytest.fixture(scope="session")
def normalizer(mini_gazetteer) -> EntityNormalizer:
    return EntityNormalizer(spacy.blank("en"), gazetteer=mini_gazetteer, world=False)


def annotate_with_ents(nlp, normalizer, text: str, ents: list[tuple[str, str]]):
    """Make a doc, set NER-like ents (substring, label) by hand, then run the normalizer."""
    doc = nlp.make_doc(text)
    spans = []
    for substring, label in ents:
        start = text.index(substring)
        spans.append(doc.char_span(start, start + len(substring), label=label))
    doc.ents = spans
    return normalizer(doc)


@pytest.fixture(scope="session")
def sm_nlp():
    """The real pipeline (trained English model + shipped gazetteer), loaded once."""
    from normalizer import load

    return load()


# Dask's client leaves threads behind in the test process (its event loop, profiling), and a
# process with other threads may not fork: the world build then makes its names in-process, and the
# tests of its forked helper (tests/world/test_index.py) could not see it. The cluster tests run last.
RUN_LAST = ("tests/dask/",)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    items.sort(key=lambda item: any(part in item.nodeid for part in RUN_LAST))
