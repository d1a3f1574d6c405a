"""The YAML patch ``suggest`` writes and ``gazetteer apply`` reads.

The analyst reviews it in an editor: each proposal has ``accept: false`` and ``reject: false``;
flipping one to true decides it (``apply`` then writes it), anything else is left for later.
Reading is strict, with file:line errors: a misspelled ``acept: true`` must not be ignored.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..errors import GazetteerError, GazetteerErrors
from ..gazetteer.edit import flow_item, scalar
from ..gazetteer.schema import parse_entry
from ..gazetteer.yamlio import LineDict, LineList, load_yaml, read_text
from .suggest import Proposal

ACTIONS = ("add-variants", "new-entry")
PROPOSAL_KEYS = frozenset({"proposal", "accept", "reject", "action", "id", "entry", "variants", "new",
                           "score", "reason", "seen", "documents", "context"})
MAX_DOCUMENTS = 10

HEADER = """\
# Gazetteer proposals from `entity-normalizer suggest`. Nothing has changed in any gazetteer yet.
#
# Review each proposal below, then run:  entity-normalizer gazetteer apply {name}
#   accept: true   apply it. You may first edit the variants, or the new entry's id, name and
#                  type (the id of a place found in GeoNames is better as geonames:<number>).
#   reject: true   record that it is wrong: apply writes a `not:` judgement to the gazetteer,
#                  and suggest never proposes it again.
#   both false     decide later (or delete the proposal).
# Variants go to the file of yours that already defines or overrides the entry. New entries,
# judgements, and additions to shipped entries go to the file named by `into` below
# (apply --into FILE chooses another). See gazetteer/README.md, "Suggestions from your texts".
"""


@dataclass
class PatchProposal:
    """One proposal as the analyst left it."""

    number: int
    line: int
    action: str
    accept: bool
    reject: bool
    entry_id: str | None = None
    variants: list[Any] = field(default_factory=list)
    new: dict[str, Any] | None = None
    seen: str = ""

    @property
    def names(self) -> list[str]:
        """Every name the proposal is about (for a rejection)."""
        items = list(self.variants)
        if self.new is not None:
            items = [self.new.get("name")] + list(self.new.get("variants") or [])
        names = [v.get("name") if isinstance(v, dict) else v for v in items]
        return [str(n).strip() for n in names if n is not None and str(n).strip()]


@dataclass
class Patch:
    path: str
    gazetteer: list[str]
    shipped: bool
    into: str | None
    proposals: list[PatchProposal]


def write_patch(
    proposals: Iterable[Proposal], stream: TextIO, *, name: str, corpus: list[str], gazetteer: list[str],
    shipped: bool, into: str, documents: int, mentions: int,
) -> None:
    """Write the proposals as a commented YAML patch an analyst edits."""
    proposals = list(proposals)
    out = [HEADER.format(name=name), "suggest:",
           f"  corpus: [{', '.join(scalar(c) for c in corpus)}]",
           f"  gazetteer: [{', '.join(scalar(g) for g in gazetteer)}]",
           f"  shipped: {scalar(shipped)}", f"  into: {scalar(into)}",
           f"  documents: {documents}",
           f"  mentions: {mentions}   # mentions NER found that resolved to nothing or only by a close spelling",
           f"proposals:{' []' if not proposals else ''}"]
    for number, proposal in enumerate(proposals, start=1):
        out += ["", *_proposal(number, proposal)]
    stream.write("\n".join(out) + "\n")


def _proposal(number: int, p: Proposal) -> list[str]:
    cluster = p.cluster
    labels = ", ".join(f"{label} {n}" for label, n in cluster.labels.most_common())
    seen = (f"{_count(len(cluster.sightings), 'mention')} in {_count(len(cluster.documents), 'document')} "
            f"(NER: {labels})")
    docs = cluster.documents[:MAX_DOCUMENTS]
    more = f"   # and {len(cluster.documents) - len(docs)} more" if len(cluster.documents) > len(docs) else ""
    if p.action == "add-variants":
        entry = p.entry
        title = f"# {number}. add {', '.join(repr(n) for n in p.names)} to {entry.name} ({entry.canonical_id})?"
        kind = "misspelling" if p.score < 0.8 else "other"
        body = [f"  id: {entry.canonical_id}",
                f"  entry: {scalar(f'{entry.name} ({entry.type}), {entry.location}')}   # for reading only",
                "  variants:", *[f"    - {flow_item({'name': n, 'kind': kind})}" for n in p.names]]
    else:
        new = p.new or {}
        title = f"# {number}. new {new.get('type')} {p.names[0]!r}?"
        body = ["  new:"]
        for key, value in new.items():
            if isinstance(value, list):
                body += [f"    {key}:", *[f"      - {flow_item(v)}" for v in value]]
            else:
                body.append(f"    {key}: {value if key == 'id' else scalar(value)}")
    return [title, f"- proposal: {number}", "  accept: false", "  reject: false", f"  action: {p.action}",
            *body, *([f"  score: {p.score:g}"] if p.action == "add-variants" else []),
            f"  reason: {scalar(p.reason)}", f"  seen: {scalar(seen)}",
            f"  documents: [{', '.join(scalar(d) for d in docs)}]{more}",
            "  context:", *[f"    - {scalar(c)}" for c in p.contexts]]


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def read_patch(path: str | Path) -> Patch:
    """Read and check a patch; raise GazetteerErrors listing every problem with file:line."""
    name = str(path)
    data = load_yaml(read_text(Path(path)), path=name)
    errors: list[GazetteerError] = []
    if not isinstance(data, LineDict) or not isinstance(data.get("proposals"), list):
        raise GazetteerErrors([GazetteerError(
            "not a suggest patch (no 'proposals' list)", path=name, line=1,
            hint="make one with: entity-normalizer suggest CORPUS -o PATCH.yaml")])
    meta = data.get("suggest") if isinstance(data.get("suggest"), LineDict) else LineDict()
    gazetteer = [str(g) for g in meta.get("gazetteer") or []]
    into = meta.get("into")
    proposals = []
    items: LineList = data["proposals"]
    for item, line in zip(items, items.lines):
        try:
            proposals.append(_read_proposal(item, name, line))
        except GazetteerError as exc:
            errors.append(exc)
    if errors:
        raise GazetteerErrors(errors)
    return Patch(name, gazetteer, meta.get("shipped", True) is not False, str(into) if into else None, proposals)


def _read_proposal(item: Any, path: str, line: int) -> PatchProposal:
    if not isinstance(item, LineDict):
        raise GazetteerError("each proposal must be a mapping", path=path, line=line)
    where = {"path": path, "entry": f"proposal {item.get('proposal', '?')}"}
    for key in item:
        if key not in PROPOSAL_KEYS:
            raise GazetteerError(f"unknown key {key!r}", line=item.lines[key], **where,
                                 hint="set accept: true or reject: true; other keys are as suggest wrote them")
    for key in ("accept", "reject"):
        if not isinstance(item.get(key, False), bool):
            raise GazetteerError(f"{key} must be true or false, got {item[key]!r}", line=item.lines[key], **where)
    accept, reject = item.get("accept", False), item.get("reject", False)
    if accept and reject:
        raise GazetteerError("both accept and reject are true", line=item.line, **where, hint="choose one")
    action = item.get("action")
    if action not in ACTIONS:
        raise GazetteerError(f"unknown action {action!r}", line=item.lines.get("action", item.line), **where,
                             hint=f"use one of: {', '.join(ACTIONS)}")
    proposal = PatchProposal(number=item.get("proposal", 0), line=item.line, action=action, accept=accept,
                             reject=reject, seen=str(item.get("seen", "")))
    if not (accept or reject):
        return proposal
    if action == "add-variants":
        fake = LineDict({"id": item.get("id"), "variants": item.get("variants") or []})
        fake.line, fake.lines = item.lines.get("id", item.line), item.lines
        parsed = parse_entry(fake, path=path, line=fake.line)
        if not parsed.variants:
            raise GazetteerError("no variants to add", line=item.line, **where)
        proposal.entry_id = parsed.canonical_id
        proposal.variants = [_plain(v) for v in item["variants"]]
    else:
        new = item.get("new")
        if not isinstance(new, LineDict):
            raise GazetteerError("a new-entry proposal needs a 'new' mapping", line=item.line, **where)
        parsed = parse_entry(new, path=path, line=new.line)
        for needed in ("name", "type"):
            if getattr(parsed, needed) is None and accept:
                raise GazetteerError(f"the new entry has no {needed!r}", line=new.line, **where)
        proposal.new = _plain(new)
    return proposal


def _plain(value: Any) -> Any:
    """LineDict/LineList to plain dict/list, keeping order."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
