"""The map of the HTML report: resolved places drawn as inline SVG from their coordinates.

An equirectangular projection (x scaled by the cosine of the middle latitude) fit to the points'
bounding box with padding, a light graticule, dots sized by mention count and labels placed so
they do not overlap. No tiles, no outlines, no external data. When a few places lie far from the
rest (a country's centroid in an article about one region), the main map fits the cluster where
most mentions are and a small overview beside it shows every place, with the main map's frame.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

# Dot colours by label (stronger than the text highlights, so small dots stay visible).
DOT_COLORS = {"GPE": "#e39b1b", "LOC": "#e0633a", "FAC": "#3f9c9c", "PERSON": "#7b68d8", "ORG": "#25a7a7"}
DOT_OTHER = "#8a8f98"
NICE_STEPS = (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0)
CLUSTER_LAT, CLUSTER_LON = 8.0, 12.0  # half-size in degrees of the neighbourhood of a cluster
FONT_PX, CHAR_PX = 12.0, 6.6  # label font size and the average width of one of its characters


@dataclass
class Place:
    """One resolved place with coordinates, with its mention and document counts."""

    id: str
    name: str
    label: str
    lat: float
    lon: float
    mentions: int = 0
    documents: int = 0


@dataclass(frozen=True)
class Frame:
    """The area a map shows and its size in pixels."""

    south: float
    west: float
    north: float
    east: float
    width: float
    height: float

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = (lon - self.west) / (self.east - self.west) * self.width
        y = (self.north - lat) / (self.north - self.south) * self.height
        return x, y

    def contains(self, place: Place) -> bool:
        return self.south <= place.lat <= self.north and self.west <= place.lon <= self.east


def render_map(places: list[Place]) -> str:
    """The map section's body: one SVG, or a main map and an overview when places are far apart."""
    if not places:
        return '<p class="muted">No resolved place with coordinates.</p>'
    main = main_cluster(places)
    if len(main) == len(places):
        frame = fit(places, width=980, min_height=280, max_height=420)
        return f'<div class="maps">{_main(places, frame, css="main wide")}</div>'
    frame = fit(main, width=690, min_height=300, max_height=480)
    overview = fit(places, width=300, min_height=170, max_height=300, pad=0.1, world=True)
    outside = sorted((p for p in places if not frame.contains(p)), key=lambda p: -p.mentions)
    listed = ", ".join(f"{escape(p.name)} ({p.mentions})" for p in outside)
    return (
        '<div class="maps">'
        f'{_main(places, frame)}'
        f'<figure class="overview">{_svg(places, overview, css="map mini", inset=frame)}'
        f'<figcaption>All places; the box is the main map. Outside it: {listed}.</figcaption>'
        "</figure></div>"
    )


def _main(places: list[Place], frame: Frame, css: str = "main") -> str:
    return (f'<figure class="{css}">{_svg(places, frame, css="map")}<figcaption>Dot area grows with the '
            "number of mentions (the number beside the name); hover a dot for its id and coordinates."
            "</figcaption></figure>")


def main_cluster(places: list[Place]) -> list[Place]:
    """The places around the one whose neighbourhood holds the most mentions; all if that is most."""
    def near(a: Place, b: Place) -> bool:
        return abs(a.lat - b.lat) <= CLUSTER_LAT and abs(a.lon - b.lon) <= CLUSTER_LON

    best = max(places, key=lambda p: (sum(q.mentions for q in places if near(p, q)), p.mentions))
    cluster = [q for q in places if near(best, q)]
    total = sum(p.mentions for p in places)
    if len(cluster) == len(places) or sum(p.mentions for p in cluster) * 2 < total:
        return places
    return cluster


def fit(places: list[Place], *, width: float, min_height: float, max_height: float,
        pad: float = 0.14, world: bool = False) -> Frame:
    """A frame around the points' bounding box with padding, keeping the projection's aspect."""
    south, north = min(p.lat for p in places), max(p.lat for p in places)
    west, east = min(p.lon for p in places), max(p.lon for p in places)
    dlat, dlon = max(north - south, 1.0), max(east - west, 1.5)
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    dlat, dlon = dlat * (1 + 2 * pad), dlon * (1 + 2 * pad)
    k = max(math.cos(math.radians(mid_lat)), 0.35 if not world else 0.6)  # px per lon degree / lat degree
    scale = width / (dlon * k)
    height = dlat * scale
    if height > max_height:  # too tall: widen the longitudes shown
        height = max_height
        dlon = width / (k * height / dlat)
    elif height < min_height:  # too flat: show more latitudes
        height = min_height
        dlat = height / scale
    return Frame(mid_lat - dlat / 2, mid_lon - dlon / 2, mid_lat + dlat / 2, mid_lon + dlon / 2,
                 width, round(height))


def _svg(places: list[Place], frame: Frame, *, css: str, inset: Frame | None = None) -> str:
    mini = inset is not None
    w, h = frame.width, frame.height
    shown = [p for p in places if frame.contains(p)]
    parts = [f'<svg class="{css}" viewBox="0 0 {w:g} {h:g}" '
             f'role="img" aria-label="Map of {len(shown)} resolved places">',
             f'<rect class="sea" width="{w:g}" height="{h:g}"/>', _graticule(frame, labels=not mini)]
    if inset is not None:
        x0, y0 = frame.xy(inset.north, inset.west)
        x1, y1 = frame.xy(inset.south, inset.east)
        parts.append(f'<rect class="frame" x="{x0:.1f}" y="{y0:.1f}" '
                     f'width="{max(x1 - x0, 3):.1f}" height="{max(y1 - y0, 3):.1f}"/>')
    dots, labels = [], []
    taken: list[tuple[float, float, float, float]] = []
    for place in sorted(shown, key=lambda p: (-p.mentions, p.name)):
        x, y = frame.xy(place.lat, place.lon)
        r = (2.5 + 1.2 * math.sqrt(place.mentions)) if mini else min(4 + 3 * math.sqrt(place.mentions), 22)
        color = DOT_COLORS.get(place.label, DOT_OTHER)
        tip = (f"{place.name} ({place.id}): {place.mentions} mention{'s' * (place.mentions != 1)} "
               f"in {place.documents} document{'s' * (place.documents != 1)}; "
               f"{place.lat:.4f}, {place.lon:.4f}")
        dots.append(f'<circle class="{"mini" if mini else "dot"}" data-id="{escape(place.id)}" '
                    f'cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color}">'
                    f"<title>{escape(tip)}</title></circle>")
        taken.append((x - r, y - r, x + r, y + r))
        if mini and inset is not None and inset.contains(place):
            continue
        labels.append(_label(place, x, y, r, frame, taken, count=not mini))
    parts += dots + [label for label in labels if label] + ["</svg>"]
    return "".join(parts)


def _label(place: Place, x: float, y: float, r: float, frame: Frame,
           taken: list[tuple[float, float, float, float]], *, count: bool) -> str:
    """A label beside the dot where it overlaps no earlier label or dot; none if there is no room."""
    text = place.name + (f" {place.mentions}" if count else "")
    tw, th = len(text) * CHAR_PX, FONT_PX
    gap = r + 4
    candidates = [  # (x of the box's left edge, y of the baseline, text-anchor)
        (x + gap, y + th / 3, "start"), (x - gap - tw, y + th / 3, "end"),
        (x - tw / 2, y - gap, "middle"), (x - tw / 2, y + gap + th * 0.8, "middle"),
        (x + gap * 0.7, y - gap * 0.7, "start"), (x + gap * 0.7, y + gap * 0.7 + th * 0.7, "start"),
    ]
    for left, base, anchor in candidates:
        box = (left - 2, base - th, left + tw + 2, base + 3)
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= frame.width and box[3] <= frame.height
        if inside and not any(_overlap(box, other) for other in taken):
            taken.append(box)
            tx = {"start": left, "end": left + tw, "middle": left + tw / 2}[anchor]
            name = escape(place.name)
            n = f' <tspan class="n">{place.mentions}</tspan>' if count else ""
            return f'<text x="{tx:.1f}" y="{base:.1f}" text-anchor="{anchor}">{name}{n}</text>'
    return ""


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _graticule(frame: Frame, *, labels: bool) -> str:
    """Meridians and parallels at a round step, with their degrees on the left and bottom edges."""
    span = max(frame.north - frame.south, (frame.east - frame.west) * frame.height / frame.width)
    step = next((s for s in NICE_STEPS if span / s <= 5), 90.0)
    out = ['<g class="grid">']
    for lon in _multiples(frame.west, frame.east, step):
        x, _ = frame.xy(0, lon)
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{frame.height:g}"/>')
        if labels:
            out.append(f'<text x="{x + 3:.1f}" y="{frame.height - 5:g}">{_degrees(lon, "E", "W")}</text>')
    for lat in _multiples(frame.south, frame.north, step):
        _, y = frame.xy(lat, 0)
        out.append(f'<line x1="0" y1="{y:.1f}" x2="{frame.width:g}" y2="{y:.1f}"/>')
        if labels:
            out.append(f'<text x="4" y="{y - 4:.1f}">{_degrees(lat, "N", "S")}</text>')
    out.append("</g>")
    return "".join(out)


def _multiples(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step)
    return [i * step for i in range(first, math.floor(high / step) + 1)]


def _degrees(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value > 0 else negative if value < 0 else ""
    number = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    return f"{number}°{hemisphere}"
