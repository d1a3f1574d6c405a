"""The article the project started from must come out right (skipped without ../shared/eval)."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from normalizer.cli.main import main

from ..conftest import SHARED_EVAL

SEED = SHARED_EVAL / "seed.jsonl"
SCORER = SHARED_EVAL / "score.py"

pytestmark = pytest.mark.skipif(not SEED.is_file() or not SCORER.is_file(), reason="no ../shared/eval")


@pytest.fixture(scope="module")
def seed_scores(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "seed.out.jsonl"
    result = CliRunner().invoke(main, ["annotate", "-q", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    scored = subprocess.run([sys.executable, str(SCORER), str(SEED), str(out)],
                            capture_output=True, text=True, check=True)
    return json.loads(scored.stdout.splitlines()[-1])


def test_seed_span_f1(seed_scores):
    assert seed_scores["span_f1"] >= 0.85


def test_seed_geonames_accuracy(seed_scores):
    assert seed_scores["geonames_acc"] >= 0.95


def test_seed_cluster_accuracy(seed_scores):
    assert seed_scores["cluster_acc"] >= 0.9
