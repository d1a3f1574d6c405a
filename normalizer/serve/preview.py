"""HTML for people: the preview card OpenRefine shows in a small frame, and the entity page.

Every value from the gazetteer or the world layer is escaped. A place with coordinates gets a small
inline SVG map: a frame of 12 by 8 degrees around it with a 2-degree graticule, the curated places
inside it in grey, the place in red with its name, and below, the globe drawn as the centres of
every country, with the frame on it.
No script, no external resource: the pages render offline and in a sandboxed frame.
"""
from __future__ import annotations

import math
from html import escape

from ..gazetteer.schema import Entry
from .catalog import Catalog, entity_types

MAP_W, MAP_H = 170, 100
GLOBE_H = 62
NEARBY = 40
SPAN_LON, SPAN_LAT = 12.0, 8.0
MAX_NAMES = 12
_CSS = ("body{font:13px/1.35 system-ui,sans-serif;margin:6px;color:#1f2328}h1{font-size:15px;margin:0 0 2px}"
        ".id{color:#636c76;font:11px monospace}.row{display:flex;gap:10px}dl{margin:4px 0;display:grid;"
        "grid-template-columns:auto 1fr;gap:1px 8px}dt{color:#636c76}dd{margin:0}svg{flex:none}"
        ".sea{fill:#f4f8fb;stroke:#d7e1ea}.grid{stroke:#d7e1ea;stroke-width:.6}.dot{fill:#e0633a;stroke:#fff}"
        ".ctx{fill:#8a8f98;stroke:#fff;stroke-width:.6}.land{fill:#9aa5b1}.box{fill:none;stroke:#0b5cad;"
        "stroke-width:1}svg text{font-size:9px;fill:#444}svg text.name{font-size:11px;font-weight:600;fill:#1f2328;"
        "paint-order:stroke;stroke:#f4f8fb;stroke-width:3px}")


def preview_card(catalog: Catalog, entry: Entry) -> str:
    """The preview for OpenRefine's frame (``PREVIEW_SIZE`` of the manifest): name, type, id, facts,
    a few other names, and the map for a place."""
    facts = _facts(catalog, entry)
    names = catalog.names(entry)
    more = f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
    if names:
        facts.append(("Also", escape(", ".join(names[:MAX_NAMES])) + more))
    body = (f"<h1>{escape(entry.name or entry.canonical_id)}</h1><div class=\"id\">{escape(entry.canonical_id)}"
            f"</div>{_list(facts)}")
    svg = place_map(catalog, entry)
    return _page(entry, f'<div class="row"><div>{body}</div>{svg}</div>' if svg else body)


def entity_page(catalog: Catalog, entry: Entry) -> str:
    """The ``view`` page of an entity: everything the preview has, every name, and links out."""
    facts = _facts(catalog, entry)
    if entry.note:
        facts.append(("Note", escape(entry.note)))
    links = []
    if entry.canonical_id.startswith("geonames:"):
        number = entry.canonical_id.removeprefix("geonames:")
        links.append(f'<a href="https://www.geonames.org/{escape(number)}">GeoNames {escape(number)}</a>')
    if entry.wikidata:
        links.append(f'<a href="https://www.wikidata.org/wiki/{escape(entry.wikidata)}">Wikidata '
                     f"{escape(entry.wikidata)}</a>")
    if links:
        facts.append(("Elsewhere", " · ".join(links)))
    names = catalog.names(entry, generated=True)
    listed = "".join(f"<li>{escape(name)}</li>" for name in names)
    body = (f"<h1>{escape(entry.name or entry.canonical_id)}</h1><div class=\"id\">{escape(entry.canonical_id)}"
            f"</div>{_list(facts)}{place_map(catalog, entry)}"
            f"<h2 style=\"font-size:13px\">{len(names)} other name(s)</h2><ul>{listed}</ul>")
    return _page(entry, body)


def not_found_page(canonical_id: str) -> str:
    return (f"<!doctype html><meta charset=\"utf-8\"><title>Not found</title><style>{_CSS}</style>"
            f"<p>No entity with the id <code>{escape(canonical_id)}</code>.</p>")


def _page(entry: Entry, body: str) -> str:
    return (f"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{escape(entry.name or '')}</title>"
            f"<style>{_CSS}</style><body>{body}</body></html>")


def _list(facts: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(key)}</dt><dd>{value}</dd>" for key, value in facts) + "</dl>"


def _facts(catalog: Catalog, entry: Entry) -> list[tuple[str, str]]:
    """(label, HTML value) pairs: values already escaped."""
    facts = [("Type", escape(" / ".join(t["name"] for t in entity_types(entry)) or "entity"))]
    if entry.parent:
        parent = catalog.entity(entry.parent)
        facts.append(("In", escape(parent.name if parent is not None and parent.name else entry.parent)))
    if entry.country:
        country = catalog.country(entry.country)
        name = country.name if country is not None and country.name else entry.country
        facts.append(("Country", escape(f"{name} ({entry.country})" if name != entry.country else name)))
    if entry.lat is not None and entry.lon is not None:
        facts.append(("Coordinates", escape(f"{entry.lat:.4f}, {entry.lon:.4f}")))
    return facts


def place_map(catalog: Catalog, entry: Entry) -> str:
    """A small SVG map around a place with coordinates ("" for others): the curated places nearby in
    grey, the place in red, and below, the globe (every country's centre) with the frame on it."""
    if entry.lat is None or entry.lon is None or not math.isfinite(entry.lat) or not math.isfinite(entry.lon):
        return ""
    lat, lon = max(-85.0, min(85.0, entry.lat)), entry.lon
    south, north = lat - SPAN_LAT / 2, lat + SPAN_LAT / 2
    west, east = lon - SPAN_LON / 2, lon + SPAN_LON / 2

    def xy(a: float, b: float) -> tuple[float, float]:
        return (b - west) / (east - west) * MAP_W, (north - a) / (north - south) * MAP_H

    height = MAP_H + 4 + GLOBE_H
    parts = [f'<svg width="{MAP_W}" height="{height}" viewBox="0 0 {MAP_W} {height}" role="img" '
             f'aria-label="Map of {escape(entry.name or entry.canonical_id)}">',
             f'<rect class="sea" width="{MAP_W}" height="{MAP_H}"/>']
    for step in range(math.ceil(west / 2), math.floor(east / 2) + 1):
        x, _ = xy(lat, step * 2.0)
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{MAP_H}"/>')
    for step in range(math.ceil(south / 2), math.floor(north / 2) + 1):
        _, y = xy(step * 2.0, lon)
        parts.append(f'<line class="grid" x1="0" y1="{y:.1f}" x2="{MAP_W}" y2="{y:.1f}"/>')
    for other in _nearby(catalog, entry, south, west, north, east):
        x, y = xy(other.lat, other.lon)
        parts.append(f'<circle class="ctx" cx="{x:.1f}" cy="{y:.1f}" r="2.2"><title>{escape(other.name or "")}'
                     "</title></circle>")
    x, y = xy(lat, lon)
    half = len(entry.name or "") * 3.2  # about half the name's width at 11 px
    tx, ty = min(max(x, half + 2), MAP_W - half - 2), (y - 9 if y > 20 else y + 17)
    parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="5"/><text class="name" x="{tx:.1f}" '
                 f'y="{ty:.1f}" text-anchor="middle">{escape(entry.name or "")}</text>')
    parts.append(f'<text x="4" y="{MAP_H - 4}">{escape(_degrees(entry.lat, entry.lon))}</text>')
    parts.append(_globe(catalog, lat, lon, top=MAP_H + 4))
    parts.append("</svg>")
    return "".join(parts)


def _globe(catalog: Catalog, lat: float, lon: float, *, top: float) -> str:
    def gxy(a: float, b: float) -> tuple[float, float]:
        return (b + 180) / 360 * MAP_W, top + (90 - a) / 180 * GLOBE_H

    parts = [f'<rect class="sea" x="0" y="{top}" width="{MAP_W}" height="{GLOBE_H}"/>']
    for country in catalog.countries_located():
        cx, cy = gxy(country.lat, country.lon)
        parts.append(f'<circle class="land" cx="{cx:.1f}" cy="{cy:.1f}" r="0.9"/>')
    gx, gy = gxy(lat, lon)
    bw, bh = SPAN_LON / 360 * MAP_W, SPAN_LAT / 180 * GLOBE_H
    parts.append(f'<rect class="box" x="{gx - bw / 2:.1f}" y="{gy - bh / 2:.1f}" width="{bw:.1f}" '
                 f'height="{bh:.1f}"/><circle class="dot" cx="{gx:.1f}" cy="{gy:.1f}" r="1.8"/>')
    return "".join(parts)


def _nearby(catalog: Catalog, entry: Entry, south: float, west: float, north: float, east: float) -> list[Entry]:
    """Curated places inside the frame (its parent and country first), at most ``NEARBY``."""
    found = [other for other_id in catalog.ancestors(entry)[:2] if (other := catalog.entity(other_id)) is not None]
    found += [other for other in catalog.located() if other.canonical_id != entry.canonical_id]
    out, seen = [], {entry.canonical_id}
    for other in found:
        if (other.canonical_id not in seen and other.lat is not None and other.lon is not None
                and south <= other.lat <= north and west <= other.lon <= east):
            seen.add(other.canonical_id)
            out.append(other)
    return out[:NEARBY]


def _degrees(lat: float, lon: float) -> str:
    return f"{abs(lat):.2f}°{'N' if lat >= 0 else 'S'} {abs(lon):.2f}°{'E' if lon >= 0 else 'W'}"
