"""The HTML report of ``annotate --format html``: one self-contained page for all documents.

A summary and legend, a map of the resolved places (``report_map``), a table of entities by
canonical id with every variant seen and its count, and each document's text with its entities
highlighted by type (displaCy's colours; unresolved mentions dashed), the canonical name and id
on hover. Inline CSS, no script, no external URL. Entities are placed by character offsets, the
text between and inside them is only escaped, never altered: removing the tags of a document's
text and unescaping it gives back the text exactly.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from html import escape
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .inputs import Document
from .report_map import Place, render_map
from .summary import Entity, EntityTable, how, placed, variants

log = logging.getLogger(__name__)

LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC")
# displaCy's colours for the highlights, and a darker shade of each for borders and dashes.
COLORS = {"PERSON": ("#aa9cfc", "#6f5fd0"), "ORG": ("#7aecec", "#1e9e9e"), "GPE": ("#feca74", "#c98a16"),
          "LOC": ("#ff9561", "#d0521c"), "FAC": ("#9cc9cc", "#4c8f93")}
LABEL_NAMES = {"PERSON": "person", "ORG": "organization", "GPE": "country, city, region",
               "LOC": "other place", "FAC": "building, site"}
LOW_SCORE = 0.8  # below this a resolved mention is marked as uncertain (fuzzy matches)

CSS = """
:root{--fg:#1f2328;--muted:#636c76;--line:#d9dee4;--panel:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;background:#eef1f4;color:var(--fg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:26px 24px 40px}
h1{font-size:24px;margin:0 0 2px;letter-spacing:-.01em}
h2{font-size:17px;margin:0 0 12px}
.muted,.meta{color:var(--muted)}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin:16px 0}
.stats{display:flex;flex-wrap:wrap;gap:8px 26px;margin:12px 0 10px;padding:0;list-style:none}
.stats b{font-size:20px;display:block;line-height:1.1}
.stats li{color:var(--muted);font-size:13px}
.legend{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;font-size:13px;color:var(--muted)}
nav{margin-top:8px}
nav a{color:#0b5cad;text-decoration:none;margin-right:16px;font-size:14px}
mark.ent,.tag{--c:#e4e4e4;--d:#8a8f98;background:var(--c);color:inherit;border-radius:.35em}
mark.ent{padding:.12em .3em;box-decoration-break:clone;-webkit-box-decoration-break:clone}
mark.ent::after{content:attr(data-label);font-size:.6em;font-weight:700;letter-spacing:.04em;
margin-left:.4em;vertical-align:.15em;color:#1f2328;opacity:.7}
mark.unresolved{background:transparent;outline:1.5px dashed var(--d);outline-offset:-1.5px}
mark.unresolved::after{content:attr(data-label) " ?"}
mark.uncertain{outline:1.5px dotted var(--d);outline-offset:-1.5px}
mark.ent:hover{filter:brightness(.94)}
.tag{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.04em;padding:1px 6px;
margin:1px 2px 1px 0}
.tag.unresolved{background:#fff;outline:1.5px dashed var(--d);outline-offset:-1.5px}
.tag.uncertain{outline:1.5px dotted var(--d);outline-offset:-1.5px}
__LABEL_RULES__
.text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:2;font-size:15.5px;margin:0}
details>summary{cursor:pointer;list-style:none}
details>summary::-webkit-details-marker{display:none}
summary h2{display:inline;margin:0}
summary .meta{margin-left:10px;font-size:13px}
details[open]>summary{margin-bottom:10px}
table{border-collapse:collapse;width:100%;font-size:14px}
th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);
font-weight:600;border-bottom:1px solid var(--line);padding:6px 10px}
th:last-child{width:36%}
td{border-bottom:1px solid #edf0f3;padding:7px 10px;vertical-align:top}
tr:last-child th:last-child{width:36%}
td{border-bottom:0}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td .name{font-weight:600;margin-right:8px}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
.variant{display:inline-block;background:var(--panel);border:1px solid var(--line);border-radius:5px;
padding:0 6px;margin:2px 4px 2px 0;font-size:13px}
.variant b{font-weight:600;color:var(--muted);margin-left:5px;font-size:12px}
.maps{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
svg.map{display:block;width:100%;height:auto;border:1px solid var(--line);border-radius:8px}
.maps figure{margin:0}
.maps>.main{flex:1 1 520px;max-width:690px}
.maps>.main.wide{max-width:none}
.overview{flex:0 1 300px}
.overview svg{max-width:100%}
.maps figcaption{font-size:12.5px;color:var(--muted);margin-top:6px}
svg .sea{fill:#f4f8fb}
svg .grid line{stroke:#d7e1ea;stroke-width:1}
svg .grid text{font-size:10px;fill:#8b98a5}
svg .frame{fill:none;stroke:#0b5cad;stroke-width:1.5;stroke-dasharray:4 3}
svg circle{fill-opacity:.85;stroke:#fff;stroke-width:1.5}
svg circle.mini{stroke-width:1}
svg text{font-size:12px;fill:#1f2328;paint-order:stroke;stroke:#f4f8fb;stroke-width:3px;stroke-linejoin:round}
svg text .n{fill:#636c76;font-size:11px}
footer{color:var(--muted);font-size:12.5px;margin-top:22px}
"""


def render_report(documents: Sequence[tuple[Document, list[dict[str, Any]]]],
                  *, title: str = "Entity report") -> str:
    """The whole page for the annotated documents, as one string."""
    documents = [(doc, placed(doc.text, spans, warn=log)) for doc, spans in documents]
    table = EntityTable()
    for doc, spans in documents:
        table.add(doc.text, spans)
    resolved = [e for e in table.entities.values() if e.id]
    unresolved = [e for e in table.entities.values() if not e.id]
    places = [Place(e.id, e.name, e.label, e.coords[0], e.coords[1], e.mentions, e.documents)
              for e in resolved if e.id and e.coords]
    labels = Counter(span.get("label") or "" for _, spans in documents for span in spans)
    mentions = sum(labels.values())
    stats = [(len(documents), "documents"), (mentions, "mentions"), (len(resolved), "entities"),
             (sum(e.mentions for e in unresolved), "unresolved mentions"), (len(places), "places on the map")]
    body = [
        f"<header><h1>{escape(title)}</h1>",
        '<ul class="stats">' + "".join(f"<li><b>{n}</b>{what}</li>" for n, what in stats) + "</ul>",
        f'<div class="legend">{_legend(labels)}</div>',
        '<nav><a href="#map">Map</a><a href="#entities">Entities</a><a href="#documents">Documents</a></nav>'
        "</header>",
        f'<section class="card" id="map"><h2>Places</h2>{render_map(places)}</section>',
        f'<section class="card" id="entities"><h2>Entities by canonical id</h2>{_table(table)}'
        "</section>",
        '<div id="documents">' + "".join(_document(i, *item) for i, item in enumerate(documents)),
        "</div>" if documents else '<p class="muted">No documents.</p></div>',
        f"<footer>Made by entity-normalizer {escape(_version())}. Hover an entity for its canonical "
        "name, id and how it matched; the text is shown exactly as written.</footer>",
    ]
    return _page(title, "".join(body))


def _page(title: str, body: str) -> str:
    label_rules = "\n".join(f'.ent[data-label="{label}"],.tag[data-label="{label}"]{{--c:{light};--d:{dark}}}'
                            for label, (light, dark) in COLORS.items())
    css = CSS.replace("__LABEL_RULES__", label_rules)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{css}</style></head>"
        f'<body><main>{body}</main></body></html>\n'
    )


def render_table_page(table: EntityTable, *, title: str = "Entities by canonical id") -> str:
    """A page with the entity table alone (``annotate --summary FILE.html``)."""
    resolved = sum(1 for e in table.entities.values() if e.id)
    mentions = sum(e.mentions for e in table.entities.values())
    stats = [(table.documents, "documents"), (mentions, "mentions"), (resolved, "entities")]
    body = (f"<header><h1>{escape(title)}</h1>"
            '<ul class="stats">' + "".join(f"<li><b>{n}</b>{what}</li>" for n, what in stats) + "</ul></header>"
            f'<section class="card" id="entities">{_table(table)}</section>')
    return _page(title, body)


def highlight(text: str, spans: list[dict[str, Any]]) -> str:
    """The text, escaped, with a ``<mark>`` around each entity, placed by character offsets."""
    return _marked(text, placed(text, spans, warn=log))


def _marked(text: str, placed: list[dict[str, Any]]) -> str:
    out, last = [], 0
    for span in placed:
        out.append(_text(text[last : span["start"]]))
        out.append(_mark(text[span["start"] : span["end"]], span))
        last = span["end"]
    out.append(_text(text[last:]))
    return "".join(out)


def _text(value: str) -> str:
    # A carriage return is written as a reference: a raw one would become a newline in the DOM.
    return escape(value, quote=False).replace("\r", "&#13;")


def _classes(span: dict[str, Any]) -> str:
    if not span.get("id"):
        return " unresolved"
    return " uncertain" if float(span.get("score") or 0) < LOW_SCORE else ""


def _mark(words: str, span: dict[str, Any]) -> str:
    label = span.get("label") or ""
    if span.get("id"):
        tip = f"{span.get('name') or words}\n{span['id']}\n{label} · {how(span)}"
        alternatives = span.get("alternatives") or []
        if alternatives:
            tip += "\nalso possible: " + ", ".join(f"{a.get('id')} ({a.get('score')})" for a in alternatives)
    else:
        tip = f"not resolved: no gazetteer entry for “{words}”\n{label}"
    tip = escape(tip).replace("\n", "&#10;")
    return (f'<mark class="ent{_classes(span)}" data-label="{escape(label)}" title="{tip}">'
            f"{_text(words)}</mark>")


def _legend(labels: Counter[str]) -> str:
    chips = [f'<span><span class="tag" data-label="{label}">{label}</span> {LABEL_NAMES[label]} '
             f"({labels.get(label, 0)})</span>" for label in LABELS]
    chips += [f'<span><span class="tag" data-label="{escape(label)}">{escape(label)}</span> ({n})</span>'
              for label, n in sorted(labels.items()) if label not in LABEL_NAMES]
    chips.append('<span><span class="tag unresolved" data-label="GPE">GPE ?</span> '
                 "unresolved</span>")
    chips.append(f'<span><span class="tag uncertain" data-label="GPE">GPE</span> '
                 f"uncertain (score &lt; {LOW_SCORE})</span>")
    return "".join(chips)


def _table(table: EntityTable) -> str:
    """The entity table (the same rows as ``annotate --summary``: :mod:`normalizer.corpus.summary`)."""
    if not table.entities:
        return '<p class="muted">No entities found.</p>'
    rows = []
    for entity in table.resolved():
        name = f'<span class="name">{escape(entity.name)}</span> <code>{escape(entity.id or "")}</code>'
        rows.append(_row(name, entity, ""))
    for entity in table.unresolved():
        name = f'<span class="name muted">{_text(entity.name)}</span> <code>not in the gazetteer</code>'
        rows.append(_row(name, entity, " unresolved"))
    head = ('<thead><tr><th>Entity</th><th>Type</th><th class="num">Mentions</th>'
            '<th class="num">Documents</th><th>Variants seen (as written, with count)</th></tr></thead>')
    return f"<table>{head}<tbody>{''.join(rows)}</tbody></table>"


def _row(first: str, entity: Entity, css: str) -> str:
    tags = "".join(f'<span class="tag{css}" data-label="{escape(label)}">{escape(label)}</span>'
                   for label, _ in entity.labels.most_common())
    seen = "".join(
        f'<span class="variant" title="{escape(entity.how[words])}">{_text(words)}<b>{n}</b></span>'
        for words, n in variants(entity))
    return (f'<tr data-id="{escape(entity.id or "")}"><td>{first}</td><td>{tags}</td>'
            f'<td class="num">{entity.mentions}</td><td class="num">{entity.documents}</td>'
            f"<td>{seen}</td></tr>")


def _document(number: int, doc: Document, placed: list[dict[str, Any]]) -> str:
    unresolved = sum(1 for s in placed if not s.get("id"))
    meta = [f"{len(placed)} entit{'y' if len(placed) == 1 else 'ies'}"]
    if unresolved:
        meta.append(f"{unresolved} unresolved")
    if doc.path and doc.path != doc.id:
        meta.append(escape(doc.path))
    return (f'<section class="card doc" id="doc-{number + 1}"><details open><summary>'
            f'<h2>{escape(doc.id)}</h2><span class="meta">{" · ".join(meta)}</span></summary>'
            f'<div class="text">{_marked(doc.text, placed)}</div></details></section>')


def _version() -> str:
    try:
        return version("entity-normalizer")
    except PackageNotFoundError:
        return "(development)"
