"""The project's scorer: span P/R/F1, id accuracy and coordinate accuracy of normalizer output.

Its numbers are those of the reference scorer ``shared/eval/score.py`` on the same inputs (see
``shared/eval/README.md``); it adds P/R/F1 per label and a list of errors with their context.

* Spans count when start, end and label match exactly (system GPE/LOC/FAC count as PLACE).
* ``geonames_acc``: non-ambiguous gold spans with a ``geonames:`` id whose system span (same
  offsets, else the first overlapping one) has that id or one of ``alt_ids``.
* ``cluster_acc``: slug ids (``person:``, ``org:``, ``place:``) are entities: each owns the system
  id most of its mentions got, unless another entity got it more often.
* ``acc161``: exactly found gold spans with coordinates whose system point is within 161 km.
* ``only_id`` leaves out gold spans without an id and system spans overlapping them.

Malformed input is reported by ``file:line`` (records read with :func:`load_records` remember
where each came from; other lists say "gold record 3"). Malformed gold (a record that is not an
object, ``spans`` not a list, a span without integer ``start``/``end`` inside the text or without a
string ``label``, an ``id`` that is not a string or null, ...) is an error: :class:`InputError`
listing every bad record, since scores against broken gold mean nothing. A malformed system record
or span is skipped, and ``EvaluationReport.warnings`` says which (system output may be partly
broken and still worth scoring). Gold documents without a system record are counted as missed,
and a warning gives their number.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from ..world.distance import km
from .eval_records import check_gold, usable_system

_GROUPS = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "PLACE": "PLACE", "LOCATION": "PLACE",
           "PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG"}
_NO_COORDINATES_KM = 20000.0
_CONTEXT = 20  # characters on each side of a span in error listings


def label_group(label: str | None) -> str | None:
    """PLACE, PERSON or ORG for a system label; None for labels that are not scored."""
    return _GROUPS.get((label or "").upper())


@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class EvaluationError:
    """One scoring error. kind: missed | spurious | wrong_id | cluster | distance."""

    kind: str
    doc_id: str | None
    start: int
    end: int
    label: str
    text: str
    gold_id: str | None
    system_id: str | None
    context: str
    detail: str = ""


@dataclass
class EvaluationReport:
    documents: int = 0
    spans: LabelScore = field(default_factory=LabelScore)
    lenient_found: int = 0
    geonames_ok: int = 0
    geonames_n: int = 0
    cluster_ok: int = 0
    cluster_n: int = 0
    distances_km: list[float] = field(default_factory=list)
    per_label: dict[str, LabelScore] = field(default_factory=lambda: defaultdict(LabelScore))
    errors: list[EvaluationError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # for people (stderr): skipped records, missing documents

    @property
    def lenient_recall(self) -> float:
        gold = self.spans.tp + self.spans.fn
        return self.lenient_found / gold if gold else 0.0

    @property
    def geonames_acc(self) -> float | None:
        return self.geonames_ok / self.geonames_n if self.geonames_n else None

    @property
    def cluster_acc(self) -> float | None:
        return self.cluster_ok / self.cluster_n if self.cluster_n else None

    @property
    def acc161(self) -> float | None:
        d = self.distances_km
        return sum(km <= 161 for km in d) / len(d) if d else None

    def as_dict(self, *, errors: bool = True) -> dict:
        """score.py's keys (rounded to 3 places), per-label p/r/f1, counts and, optionally, errors."""
        def r3(x: float | None) -> float | None:
            return None if x is None else round(x, 3)

        out = {
            "span_p": r3(self.spans.precision), "span_r": r3(self.spans.recall), "span_f1": r3(self.spans.f1),
            "lenient_recall": r3(self.lenient_recall),
            "geonames_acc": r3(self.geonames_acc), "geonames_n": self.geonames_n,
            "cluster_acc": r3(self.cluster_acc), "cluster_n": self.cluster_n,
            "acc161": r3(self.acc161), "acc161_n": len(self.distances_km),
            "per_label": {label: {"tp": s.tp, "fp": s.fp, "fn": s.fn, "p": r3(s.precision), "r": r3(s.recall),
                                  "f1": r3(s.f1)} for label, s in sorted(self.per_label.items())},
            "documents": self.documents, "gold_spans": self.spans.tp + self.spans.fn,
            "system_spans": self.spans.tp + self.spans.fp,
        }
        if errors:
            out["errors"] = [asdict(e) for e in self.errors]
        return out


@dataclass(frozen=True)
class _SystemSpan:
    start: int
    end: int
    label: str
    canonical_id: str | None
    coordinates: tuple[float, float] | None


def evaluate(
    gold: list[dict], system: list[dict], *, labels: set[str] | None = None, only_id: bool = False
) -> EvaluationReport:
    """Score ``system`` records against ``gold`` records (matched by ``id``, else by position).

    Raises :class:`InputError` for malformed gold; malformed system records and spans are skipped
    and listed in ``warnings``, with the gold documents that have no system record.
    """
    check_gold(gold)
    report = EvaluationReport(documents=len(gold))
    system = usable_system(system, report.warnings)
    by_id = {r.get("id"): r for r in system if r.get("id") is not None}
    mentions: _Mentions = defaultdict(list)
    missing: list[str] = []
    misplaced: list[str] = []
    for position, doc in enumerate(gold):
        record = by_id.get(doc.get("id")) or (system[position] if position < len(system) else {})
        if doc.get("id") not in by_id:
            name = doc.get("id") or f"record {position + 1}"
            if position >= len(system):
                missing.append(name)
            elif doc.get("id") is not None and record.get("id") is not None:
                misplaced.append(name)
        _score_document(report, doc, _system_spans(record, labels), labels, only_id, mentions)
    _score_clusters(report, mentions)
    if missing:
        report.warnings.append(f"{len(missing)} of {len(gold)} gold documents have no system record "
                               f"(first: {missing[0]}); they count as missed")
    if misplaced:
        report.warnings.append(
            f"{len(misplaced)} of {len(gold)} gold documents have no system record with their id (first: "
            f"{misplaced[0]}); each is scored against the system record at its position, which has another id "
            "(as score.py does)"
        )
    return report


# --- checking the records -----------------------------------------------------------------------

def _system_spans(record: dict, labels: set[str] | None) -> list[_SystemSpan]:
    out = []
    for span in record.get("spans", record.get("entities", [])):
        group = label_group(span.get("label"))
        if group is None or (labels and group not in labels):
            continue
        sid = span.get("id", span.get("canonical_id", span.get("kb_id"))) or None
        lat, lon = span.get("lat"), span.get("lon")
        coordinates = (lat, lon) if lat is not None and lon is not None else None
        out.append(_SystemSpan(span["start"], span["end"], group, sid, coordinates))
    return out


_Mentions = dict[str, list[tuple[str | None, EvaluationError]]]


def _score_document(
    report: EvaluationReport, doc: dict, found: list[_SystemSpan], labels: set[str] | None, only_id: bool,
    mentions: _Mentions,
) -> None:
    text, doc_id = doc.get("text", ""), doc.get("id")
    gold = [g for g in doc["spans"] if (not labels or g["label"] in labels) and (not only_id or g.get("id"))]
    gold_keys = {(g["start"], g["end"], g["label"]) for g in gold}
    found_keys = {(s.start, s.end, s.label) for s in found}
    if only_id:
        unscored = [(g["start"], g["end"]) for g in doc["spans"] if not g.get("id")]
        found_keys = {
            k for k in found_keys if k in gold_keys or not any(a < k[1] and k[0] < b for a, b in unscored)
        }

    def error(kind: str, start: int, end: int, label: str, gold_id: str | None = None,
              system_id: str | None = None, detail: str = "") -> EvaluationError:
        return EvaluationError(kind, doc_id, start, end, label, text[start:end], gold_id, system_id,
                               _context(text, start, end), detail)

    for key in sorted(gold_keys):
        hit = key in found_keys
        report.spans.tp += hit
        report.spans.fn += not hit
        report.per_label[key[2]].tp += hit
        report.per_label[key[2]].fn += not hit
        if not hit:
            near = [s for s in found if s.start < key[1] and key[0] < s.end]
            detail = f"system: {text[near[0].start:near[0].end]!r} {near[0].label}" if near else ""
            report.errors.append(error("missed", *key, detail=detail))
    for key in sorted(found_keys - gold_keys):
        report.spans.fp += 1
        report.per_label[key[2]].fp += 1
        report.errors.append(error("spurious", *key))
    for g in gold:
        start, end = g["start"], g["end"]
        overlapping = [s for s in found if s.start < end and start < s.end]
        report.lenient_found += bool(overlapping)
        exact = [s for s in found if (s.start, s.end) == (start, end)]
        if g.get("lat") is not None and (start, end, g["label"]) in found_keys:
            where = exact[0].coordinates
            distance = km((g["lat"], g["lon"]), where) if where else _NO_COORDINATES_KM
            report.distances_km.append(distance)
            if distance > 161:
                report.errors.append(error("distance", start, end, g["label"], g.get("id"),
                                           exact[0].canonical_id, f"{distance:.0f} km off"))
        sid = (exact or overlapping)[0].canonical_id if exact or overlapping else None
        if g.get("ambiguous") or not g.get("id"):
            continue
        if g["id"].startswith("geonames:"):
            report.geonames_n += 1
            if sid in {g["id"], *g.get("alt_ids", [])}:
                report.geonames_ok += 1
            else:
                report.errors.append(error("wrong_id", start, end, g["label"], g["id"], sid))
        else:
            mentions[g["id"]].append((sid, error("cluster", start, end, g["label"], g["id"], sid)))


def _score_clusters(report: EvaluationReport, mentions: _Mentions) -> None:
    """Each system id goes to the gold entity that gave it to the most mentions (ties: the larger slug)."""
    claims: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for entity, found in mentions.items():
        counts = Counter(sid for sid, _ in found if sid)
        if counts:
            sid, n = counts.most_common(1)[0]
            claims[sid].append((n, entity))
    owner = {sid: max(claimants)[1] for sid, claimants in claims.items()}
    for entity, found in mentions.items():
        for sid, err in found:
            report.cluster_n += 1
            if sid and owner.get(sid) == entity:
                report.cluster_ok += 1
            else:
                why = ("no system id" if not sid else f"its system id went to {owner[sid]}" if sid in owner
                       else "not the system id most mentions of this entity got")
                report.errors.append(EvaluationError(**{**asdict(err), "detail": why}))



def _context(text: str, start: int, end: int) -> str:
    left, right = text[max(0, start - _CONTEXT):start], text[end:end + _CONTEXT]
    before, after = "…" * (start > _CONTEXT), "…" * (end + _CONTEXT < len(text))
    return before + " ".join(f"{left}[{text[start:end]}]{right}".split()) + after


def _show(score: float | None) -> str:
    return "-" if score is None else f"{score:.3f}"


def format_report(report: EvaluationReport, *, errors: int = 20) -> str:
    """A plain-text summary for people: totals, a per-label table and the first ``errors`` errors."""
    d, show = report.as_dict(errors=False), _show
    lines = [
        f"documents {d['documents']}   gold spans {d['gold_spans']}   system spans {d['system_spans']}",
        f"spans     P {show(d['span_p'])}  R {show(d['span_r'])}  F1 {show(d['span_f1'])}"
        f"   lenient recall {show(d['lenient_recall'])}",
        f"ids       geonames {show(d['geonames_acc'])} (n={d['geonames_n']})"
        f"   clusters {show(d['cluster_acc'])} (n={d['cluster_n']})"
        f"   within 161 km {show(d['acc161'])} (n={d['acc161_n']})",
        "",
        f"{'label':<8}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}",
    ]
    for label, s in d["per_label"].items():
        lines.append(f"{label:<8}{s['tp']:>6}{s['fp']:>6}{s['fn']:>6}{s['p']:>8.3f}{s['r']:>8.3f}{s['f1']:>8.3f}")
    if errors > 0 and report.errors:
        lines += ["", f"errors (first {min(errors, len(report.errors))} of {len(report.errors)}):"]
        for e in report.errors[:errors]:
            ids = f" gold={e.gold_id}" if e.gold_id else ""
            ids += f" system={e.system_id}" if e.kind in ("wrong_id", "cluster", "distance") else ""
            detail = f" ({e.detail})" if e.detail else ""
            lines.append(f"  {e.kind:<9} {e.doc_id} {e.text!r} {e.label}{ids}{detail}  {e.context}")
    return "\n".join(lines)
