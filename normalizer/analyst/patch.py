"""``gazetteer apply``: write a reviewed suggest patch into the analyst's gazetteer files.

Only proposals marked ``accept: true`` or ``reject: true`` are applied:

* accepted "add-variants": the new names go to the ``variants`` of the entry, in the analyst's
  file that defines or overrides it (the last such file); an entry only the shipped files define
  gets an override (same id) in the ``into`` file. Shipped files are never written.
* accepted "new-entry": the entry is appended to the ``into`` file.
* rejected "add-variants": ``not: [names]`` on the entry (same files as above);
  rejected "new-entry": an id-less ``- not: [names]`` item in the ``into`` file.

Edits are minimal (``yamledit.py``): the rest of each file stays byte for byte. Then the whole
gazetteer is checked (``load_gazetteer``); if the check fails, every file is restored.
Applying a patch twice changes nothing the second time.

Files under attack
------------------
Every file is written atomically (``atomic.py``: a temporary file beside it, fsync, ``os.replace``),
so a reader, a crash or ``kill -9`` sees a whole old or a whole new file, never an empty or half
one; an interrupted apply that edits two files may leave one edited and one not, each complete
and valid, and running it again completes it (apply is idempotent).

Concurrent applies are serialized by exclusive locks (``atomic.file_lock``, ``.NAME.lock`` beside
each file), held over the whole read-check-write: the gazetteer is loaded, the files are read,
edited, saved and checked inside them, so a second apply sees the first one's entries. What is
locked is every file this apply may write: the ``into`` file and every analyst (not shipped)
file of the patch's gazetteer, the owners variants and judgements go to. One lock keyed by
``into`` would not do: two patches with different ``into`` files both add variants to the
team's shared file, and the second would overwrite the first's. The locks are taken in sorted
path order (so two applies never wait for each other in a circle), and the gazetteer folders are
listed again once they are held: if a file appeared meanwhile (another apply created its ``into``
there), every lock is released and the larger set taken afresh. A file in a folder this user may
not write is not locked (its lock file cannot be made) and cannot be written either: an apply
that needs to write it fails and restores the rest. Readers (``annotate``, ``check``) take no lock.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import atomic
from ..errors import GazetteerError, GazetteerErrors
from ..gazetteer.edit import YamlFile, flow_item, render_entry
from ..gazetteer.judgements import is_not_entity, same_name
from ..gazetteer.load import Gazetteer, load_gazetteer, shipped_dir, yaml_files
from ..gazetteer.names import entry_names
from ..text.keys import fold
from .patchfile import Patch, PatchProposal

DEFAULT_INTO = "my-entities.yaml"
NEW_FILE_HEADER = (
    "# Gazetteer additions written by `entity-normalizer gazetteer apply`.\n"
    "# Use it with: entity-normalizer annotate --gazetteer THIS-FILE ...  (see gazetteer/README.md)\n"
)
LOCK_ROUNDS = 10  # times the locked set may grow (files appearing in a gazetteer folder) before apply gives up


@dataclass
class ApplyResult:
    """What apply did, in lines for the analyst, and the files it wrote."""

    messages: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    entries: int = 0
    into: Path | None = None
    into_in_gazetteer: bool = True


class RestoreError(GazetteerError):
    """A file apply wrote and could not put back after a failed check or write."""


def apply_patch(patch: Patch, *, into: str | Path | None = None) -> ApplyResult:
    """Apply the decided proposals of ``patch``; raise GazetteerErrors (files restored) if the check fails.

    Holds the locks of every file it may write while it reads, edits, writes and checks them.
    """
    target = Path(into or patch.into or DEFAULT_INTO).resolve()
    if _is_shipped(target):
        raise GazetteerError("is part of the shipped gazetteer; new entries go to a file of your own",
                             path=str(target), hint="choose one with --into FILE")
    paths = [Path(p) for p in patch.gazetteer]
    wanted = _writable(target, _user_files(paths))
    for _ in range(LOCK_ROUNDS):
        with _locked(wanted):
            user_files = _user_files(paths)
            now = _writable(target, user_files)
            if now <= wanted:
                return _apply_locked(patch, target, paths, user_files)
        wanted |= now
    raise GazetteerError("files keep appearing in the gazetteer folders; nothing was applied",
                         path=str(target), hint="run apply again when the other applies are done")


def _user_files(paths: list[Path]) -> list[Path]:
    return [f.resolve() for p in paths for f in yaml_files(p)]


def _writable(target: Path, user_files: list[Path]) -> set[Path]:
    """The files an apply may write: ``into`` and the analyst's files (the owners of entries)."""
    return {target, *(f for f in user_files if not _is_shipped(f))}


@contextlib.contextmanager
def _locked(files: set[Path]) -> Iterator[None]:
    """Hold the lock of each file, taken in sorted order; skip files in folders this user cannot write."""
    with contextlib.ExitStack() as stack:
        for path in sorted(files, key=str):
            try:
                stack.enter_context(atomic.file_lock(path))
            except OSError as exc:
                if not _folder_writable(path):
                    continue  # this process cannot write it either: a write would fail and be undone
                raise GazetteerError(f"cannot lock: {exc.strerror or exc}", path=str(path)) from exc
        yield


def _folder_writable(path: Path) -> bool:
    folder = next((p for p in path.parents if p.exists()), None)
    return folder is not None and os.access(folder, os.W_OK)


def _apply_locked(patch: Patch, target: Path, paths: list[Path], user_files: list[Path]) -> ApplyResult:
    in_gazetteer = target in user_files or any(p.is_dir() and target.is_relative_to(p.resolve()) for p in paths)
    layers = paths + ([] if in_gazetteer or not target.exists() else [target])
    gazetteer = load_gazetteer(layers, shipped=patch.shipped)
    files: dict[Path, YamlFile] = {}

    def file(path: Path) -> YamlFile:
        if path not in files:
            files[path] = YamlFile(path)
        return files[path]

    result = ApplyResult(into=target, into_in_gazetteer=in_gazetteer)
    for proposal in patch.proposals:
        if proposal.accept or proposal.reject:
            message = _apply_one(proposal, gazetteer, user_files, file(target), file, patch.path)
            result.messages.append(f"proposal {proposal.number}: {message}")
    undecided = sum(not (p.accept or p.reject) for p in patch.proposals)
    if undecided:
        result.messages.append(f"{undecided} proposal(s) left undecided (neither accept nor reject)")
    changed = [f for f in files.values() if f.changed]
    into_file = files.get(target)
    if into_file is not None and into_file.changed and not into_file.existed:
        into_file.text = NEW_FILE_HEADER + "\n" + into_file.text.lstrip("\n")
    saved: list[YamlFile] = []
    try:
        for edited in changed:
            try:
                edited.save()
            except OSError as exc:
                raise GazetteerError(f"cannot write: {exc.strerror or exc}", path=str(edited.path)) from exc
            saved.append(edited)
        checked = load_gazetteer(paths + ([] if in_gazetteer else [target] if target.exists() else []),
                                 shipped=patch.shipped)
    except BaseException as exc:  # a failed check or write, and Ctrl-C too: put every file back
        unrestored = _restore(saved)
        if unrestored and isinstance(exc, (GazetteerError, GazetteerErrors)):
            errors = exc.errors if isinstance(exc, GazetteerErrors) else [exc]
            raise GazetteerErrors(errors + unrestored) from exc
        raise
    result.written = [f.path for f in changed]
    result.entries = len(checked)
    return result


def _restore(files: list[YamlFile]) -> list[GazetteerError]:
    """Put back every file; the ones that could not be, as errors."""
    problems: list[GazetteerError] = []
    for edited in files:
        try:
            edited.restore()
        except OSError as exc:
            problems.append(RestoreError(f"could not be restored ({exc.strerror or exc}): it keeps apply's changes",
                                         path=str(edited.path), hint="undo them by hand"))
    return problems


def _is_shipped(path: Path) -> bool:
    return path.is_relative_to(shipped_dir().resolve())


def _apply_one(
    proposal: PatchProposal, gazetteer: Gazetteer, user_files: list[Path], into: YamlFile,
    file: Callable[[Path], YamlFile], patch_path: str,
) -> str:
    if proposal.action == "new-entry":
        return _new_entry(proposal, gazetteer, into)
    entry = gazetteer.get(proposal.entry_id or "")
    if entry is None:
        raise GazetteerError(f"entry {proposal.entry_id!r} is not in the gazetteer", path=patch_path,
                             line=proposal.line, entry=f"proposal {proposal.number}", hint="fix the id in the patch")
    if proposal.accept:
        known = {fold(v.name) for v in entry_names(entry)}
        items = [v for v in proposal.variants if fold(_name(v)) not in known]
        key, what = "variants", "variant(s)"
    else:
        items = [n for n in proposal.names
                 if not any(same_name(r.name, n) and not r.label and not r.context for r in entry.rejected)]
        key, what = "not", "'not' judgement(s)"
    if not items:
        return f"nothing to do: {entry.canonical_id} already has these {what}"
    owner = _owner(entry.canonical_id, user_files, file) or into
    rendered = [flow_item(v) for v in items]
    if owner.has_entry(entry.canonical_id):
        owner.add_items(entry.canonical_id, key, rendered)
    else:
        owner.append(render_entry({"id": entry.canonical_id, key: items},
                                  comment=f"{entry.name}: from suggest proposal {proposal.number}"))
    names = ", ".join(repr(_name(v)) for v in items)
    if proposal.accept:
        return f"added {names} to {entry.canonical_id} ({entry.name}) in {owner.path}"
    return f"recorded that {names} is not {entry.canonical_id} ({entry.name}), in {owner.path}"


def _new_entry(proposal: PatchProposal, gazetteer: Gazetteer, into: YamlFile) -> str:
    new = proposal.new or {}
    if proposal.reject:
        names = [n for n in proposal.names if not is_not_entity(gazetteer.not_entities, n, None)]
        if not names:
            return "nothing to do: these names are already recorded as no entity"
        into.append(render_entry({"not": names, "note": f"judged no entity (suggest proposal {proposal.number})"}))
        return f"recorded that {', '.join(repr(n) for n in names)} is no entity, in {into.path}"
    entry_id = str(new.get("id"))
    if gazetteer.get(entry_id) is not None:
        return f"nothing to do: {entry_id} is already in the gazetteer"
    into.append(render_entry(new, comment=f"from suggest proposal {proposal.number}: {proposal.seen}"))
    return f"new entry {entry_id} ({new.get('name')}) in {into.path}"


def _owner(entry_id: str, user_files: list[Path], file: Callable[[Path], YamlFile]) -> YamlFile | None:
    """The last of the analyst's files that defines or overrides the entry, if any."""
    for path in reversed(user_files):
        if not _is_shipped(path) and file(path).has_entry(entry_id):
            return file(path)
    return None


def _name(variant: str | dict[str, Any]) -> str:
    return str(variant.get("name") if isinstance(variant, dict) else variant)
