"""Start-up: what the normalizer adds to loading a spaCy pipeline, in fresh processes, side by side.

    python bench/startup.py [--runs N] [--model NAME]

Each run starts two fresh Python processes, in an order that turns with each run:

* ``bare``: imports spaCy, loads the model (``spacy.load``) and annotates one short text;
* ``normalizer``: imports the package, loads the same model with the normalizer (the shipped
  gazetteer and the world layer, whose index is already built: ``python -m normalizer`` or any
  earlier run built it) and annotates the same text.

Each process reports its own wall-clock seconds from its first line to the moment the pipeline is
loaded, and to the end of the text's annotation (the interpreter's own start is not counted, and is
the same for both). ``added`` is the median over runs of (normalizer − bare) to the end of the first
document: the start-up the normalizer costs beyond loading spaCy's model, including the first look-ups
of the world layer; ``added_loaded`` the same up to the loaded pipeline, before any document. Prints
one JSON line.

Both sides import compiled bytecode: spaCy's comes with its installed wheel, and so would the
package's, but an editable install (``pip install -e``) compiles nothing, and with
``PYTHONDONTWRITEBYTECODE`` set no run would either, so the bench first compiles the package's
modules (``compileall``, into the ``__pycache__`` folders git ignores). ``--no-compile`` leaves them
as they are.
"""
from __future__ import annotations

import argparse
import compileall
import json
import statistics
import subprocess
import sys
from pathlib import Path

TEXT = "Officials in Ashby said the convoy left Kharkiv for Izium on Tuesday, and Mayor Jane Roe agreed."

_BARE = """
import time; start = time.perf_counter()
import spacy
nlp = spacy.blank({model!r}[6:]) if {model!r}.startswith("blank:") else spacy.load({model!r})
loaded = time.perf_counter() - start
nlp({text!r})
print(loaded, time.perf_counter() - start)
"""

_NORMALIZER = """
import time; start = time.perf_counter()
import normalizer
nlp = normalizer.load({model!r}, world=True)
loaded = time.perf_counter() - start
nlp({text!r})
print(loaded, time.perf_counter() - start)
"""


def model_name(model: str | None) -> str:
    """The pipeline ``normalizer.load`` would load: ``model``, else the first default model installed."""
    import spacy

    from normalizer.pipeline.load import DEFAULT_MODELS

    if model is not None:
        return model
    return next((name for name in DEFAULT_MODELS if spacy.util.is_package(name)), DEFAULT_MODELS[0])


def timed(code: str) -> tuple[float, float]:
    """(seconds to the loaded pipeline, seconds to the end of the first document) of one fresh process."""
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded, first = done.stdout.strip().splitlines()[-1].split()
    return float(loaded), float(first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", default=None, help="a spaCy pipeline (default: the package's)")
    parser.add_argument("--no-compile", action="store_true", help="do not compile the package's modules first")
    args = parser.parse_args()
    if not args.no_compile:
        import normalizer

        compileall.compile_dir(Path(normalizer.__file__).parent, quiet=1)
    model = model_name(args.model)
    scripts = {
        "bare": _BARE.format(model=model, text=TEXT),
        "normalizer": _NORMALIZER.format(model=model, text=TEXT),
    }
    timed(scripts["normalizer"])  # builds the world index if this machine has none yet; not counted
    loaded: dict[str, list[float]] = {name: [] for name in scripts}
    seconds: dict[str, list[float]] = {name: [] for name in scripts}
    for run in range(args.runs):
        for name in (list(scripts) if run % 2 == 0 else list(scripts)[::-1]):
            ready, first = timed(scripts[name])
            loaded[name].append(ready)
            seconds[name].append(first)
    added = [n - b for n, b in zip(seconds["normalizer"], seconds["bare"])]
    added_loaded = [n - b for n, b in zip(loaded["normalizer"], loaded["bare"])]
    print(json.dumps({
        "model": model,
        "runs": args.runs,
        "bare_s": round(statistics.median(seconds["bare"]), 3),
        "normalizer_s": round(statistics.median(seconds["normalizer"]), 3),
        "added_s": round(statistics.median(added), 3),
        "added_runs": [round(a, 3) for a in added],
        "added_loaded_s": round(statistics.median(added_loaded), 3),
        "added_loaded_runs": [round(a, 3) for a in added_loaded],
        "ratio": round(statistics.median(seconds["normalizer"]) / statistics.median(seconds["bare"]), 3),
    }))


if __name__ == "__main__":
    main()
