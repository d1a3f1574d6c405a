"""Small pipelines of our own for the rule tables: a gazetteer (and a GeoNames dump) written by the
test, NER's entities set by hand on spacy.blank documents."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import spacy

from normalizer.gazetteer.load import load_gazetteer
from normalizer.pipeline.component import EntityNormalizer
from normalizer.pipeline.records import doc_records
from normalizer.world.dump import import_geonames_dump
from normalizer.world.index import GeoNamesIndex


def gazetteer_normalizer(folder: Path, gazetteer: str) -> tuple[spacy.Language, EntityNormalizer]:
    """spacy.blank("en") and a normalizer of the gazetteer YAML ``gazetteer`` alone, no world layer."""
    path = folder / "ours.yaml"
    path.write_text(gazetteer, encoding="utf-8")
    nlp = spacy.blank("en")
    return nlp, EntityNormalizer(nlp, gazetteer=load_gazetteer([path], shipped=False), world=False)


def world_normalizer(folder: Path, places: Sequence[tuple], gazetteer: str) -> Iterator[EntityNormalizer]:
    """A normalizer of ``gazetteer`` with a world layer of ``places``: (id, name, alternate names,
    feature class, code, country, admin1, population) each, and optionally its latitude and longitude
    (else 0, 0). A generator: the index stays open until it is resumed (use it in a pytest fixture with
    ``yield from``)."""
    rows = [
        "\t".join(map(str, (gid, name, name, alternates, *(point or (0.0, 0.0)), fclass, code, cc, "", admin1,
                            "", "", "", pop, "", "", "", "2024-01-01")))
        for gid, name, alternates, fclass, code, cc, admin1, pop, *point in places
    ]
    (folder / "allCountries.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "ours.yaml").write_text(gazetteer, encoding="utf-8")
    out = folder / "world.sqlite"
    import_geonames_dump([folder / "allCountries.txt"], out=out)
    loaded = load_gazetteer([folder / "ours.yaml"], shipped=False)
    with GeoNamesIndex.open(index_path=out) as index:
        yield EntityNormalizer(spacy.blank("en"), gazetteer=loaded, world_index=index)


def annotate(normalizer: EntityNormalizer, text: str, ents: Sequence[tuple[str, str]]) -> list[tuple]:
    """ents: (substring, label) set as NER's entities; the normalizer's spans as (text, label, id)."""
    doc = spacy.blank("en").make_doc(text)
    doc.ents = [doc.char_span(text.index(s), text.index(s) + len(s), label=label) for s, label in ents]
    records = doc_records(normalizer(doc))
    assert all(text[r["start"]:r["end"]] == r["text"] for r in records)  # exact offsets into the text
    return [(r["text"], r["label"], r["id"]) for r in records]
