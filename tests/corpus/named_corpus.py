"""A small invented corpus where the same unknown people and organizations come back in several
spellings, and a pipeline that tags them (spaCy's blank English with an entity ruler, saved to a
folder, so worker processes load it like any model). Used by the serial, ``--jobs`` and Dask tests."""
from __future__ import annotations

import json
from pathlib import Path

import spacy

# What "NER" tags, by label: the names as the documents write them.
TAGGED = {
    "PERSON": ["Adaeze Okafor", "A. Okafor", "Okafor", "Dmytro Verkhovskyi", "Dmytro Verkhovskiy", "Verkhovsky",
               "Anna Lindqvist", "Erik Lindqvist", "Lindqvist", "Tomasz Brzezinski", "T. Brzezinski"],
    "ORG": ["Northern Grain Cooperative", "NGC", "Tallow Mills", "Harbor Radio"],
}

DOCUMENTS = [
    ("a", "Adaeze Okafor met Dmytro Verkhovskyi at the Northern Grain Cooperative (NGC) on Monday."),
    ("b", "Okafor said NGC would buy more wheat. Verkhovsky disagreed, Harbor Radio reported."),
    ("c", "A. Okafor and Dmytro Verkhovskiy signed the contract."),
    ("d", "Anna Lindqvist and Erik Lindqvist run Tallow Mills."),
    ("e", "Lindqvist declined to comment to Harbor Radio."),
    ("f", "Erik Lindqvist spoke first. Lindqvist said Tallow Mills would grow."),
    ("g", "T. Brzezinski left the NGC board; Tomasz Brzezinski had joined it in spring."),
    ("h", "Nobody from the Northern Grain Cooperative answered."),
]

# One id per entity, written as (document, words) pairs of its mentions; the ambiguous "Lindqvist"
# (two full names share the surname) gets an id of its own.
SAME_ENTITY = [
    [("a", "Adaeze Okafor"), ("b", "Okafor"), ("c", "A. Okafor")],
    [("a", "Dmytro Verkhovskyi"), ("b", "Verkhovsky"), ("c", "Dmytro Verkhovskiy")],
    [("a", "Northern Grain Cooperative"), ("a", "NGC"), ("b", "NGC"), ("g", "NGC"),
     ("h", "Northern Grain Cooperative")],
    [("d", "Anna Lindqvist")],
    [("d", "Erik Lindqvist"), ("f", "Erik Lindqvist"), ("f", "Lindqvist")],
    [("e", "Lindqvist")],
    [("d", "Tallow Mills"), ("f", "Tallow Mills")],
    [("b", "Harbor Radio"), ("e", "Harbor Radio")],
    [("g", "T. Brzezinski"), ("g", "Tomasz Brzezinski")],
]


def save_ruler_model(folder: Path) -> Path:
    """spaCy's blank English pipeline with an entity ruler for :data:`TAGGED`, saved to ``folder``."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": words} for label, names in TAGGED.items() for words in names])
    nlp.to_disk(folder)
    return folder


def write_corpus(path: Path, order: list[int] | None = None) -> Path:
    """The documents as one JSONL file (in ``order``, given as indexes, when given)."""
    chosen = [DOCUMENTS[i] for i in order] if order is not None else DOCUMENTS
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in chosen), encoding="utf-8")
    return path


def ids_by_mention(records: list[dict]) -> dict[tuple[str, str], set[str | None]]:
    """(document id, words) -> the ids its spans got."""
    out: dict[tuple[str, str], set[str | None]] = {}
    for record in records:
        for span in record["spans"]:
            out.setdefault((record["id"], span["text"]), set()).add(span["id"])
    return out
