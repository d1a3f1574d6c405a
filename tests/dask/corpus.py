"""Invented corpora for the Dask tests (names from tests/fixtures/gazetteer/mini.yaml)."""
from __future__ import annotations

import json
from pathlib import Path

PLACES = ["Kharkov", "Izium", "Kyiv", "Kupiansk", "Lyman", "Donetsk", "Ukraine", "Russia", "the United States"]
PEOPLE = ["Lloyd Austin", "Kyivstar"]
FRAMES = [
    "Repair crews from {a} reached {b} before noon on day {n}.",
    "A bakery in {a} reopened, and buses to {b} run twice a day now.",
    "{p} said the line between {a} and {b} would be fixed by week {n}.",
    "Volunteers in {b} sorted {n} boxes of blankets sent from {a}.",
]


def sentence(n: int) -> str:
    frame = FRAMES[n % len(FRAMES)]
    return frame.format(a=PLACES[n % len(PLACES)], b=PLACES[(n * 7 + 3) % len(PLACES)], p=PEOPLE[n % 2], n=n)


def text(n: int, sentences: int = 4) -> str:
    return " ".join(sentence(n * sentences + i) for i in range(sentences))


def write_mixed(root: Path, *, records: int = 240) -> Path:
    """A folder of text files and JSONL (ids or none, extra fields, a blank line, one line that is not JSON,
    a file that is not UTF-8, an empty file)."""
    (root / "letters").mkdir(parents=True)
    (root / "letters" / "a-note.txt").write_text(text(1), encoding="utf-8")
    (root / "letters" / "b-empty.txt").write_text("", encoding="utf-8")
    (root / "letters" / "c-latin1.txt").write_bytes("Caf\xe9 in Kyiv.".encode("latin-1"))
    (root / "letters" / "d-line-separators.txt").write_text("Kyiv\u2028and Izium\u0085and\u000cLyman",
                                                            encoding="utf-8")
    lines = []
    for n in range(records):
        record = {"text": text(n, 1 + n % 3), "desk": f"desk-{n % 5}"}
        if n % 4:
            record = {"id": f"story-{n}", **record}
        lines.append(json.dumps(record, ensure_ascii=False))
        if n == 17:
            lines.append("")
        if n == 101:
            lines.append("{not json")
    (root / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "z-last.txt").write_text(text(99, 2), encoding="utf-8")
    return root


def write_heavy(root: Path, *, records: int = 1600, marker_at: int | None = None) -> Path:
    """One JSONL file of longer texts (for shards that take a second or more)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "heavy.jsonl", "w", encoding="utf-8") as handle:
        for n in range(records):
            words = text(n, 12) + (" EXPLODE" if n == marker_at else "")
            handle.write(json.dumps({"id": f"h{n}", "text": words}) + "\n")
    return root / "heavy.jsonl"
