"""The analyst's commands: ``suggest``, and ``gazetteer lookup | apply | stats | unused``.

A thin click layer over ``lookup.py``, ``suggest.py``, ``patchfile.py``, ``patch.py`` and
``stats.py``; ``register(main, gazetteer_group)`` adds them to the ``entity-normalizer`` command.
Package exceptions become ``click.ClickException`` (exit 1, message on stderr).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import click

from ..errors import GazetteerErrors, InputError, NormalizerError
from ..gazetteer.schema import NER_LABELS, PLACE_LABELS
from .common import (
    EXIT_CONFIG,
    check_output,
    failure,
    gazetteer_options,
    interruptible,
    load_pipeline,
    pipeline_options,
    problems_message,
    progress_bar,
    refuse_overwriting_inputs,
    resolution_options,
    stdout_dash,
)


def _load_gazetteer(gazetteers, no_shipped):
    from ..gazetteer.load import load_gazetteer

    try:
        return load_gazetteer(list(gazetteers), shipped=not no_shipped)
    except NormalizerError as exc:
        raise failure(exc) from exc


class _Corpus:
    """The inputs of ``suggest`` and ``unused`` through the annotate path (:mod:`normalizer.corpus.batch`):
    every bad input or document is reported by name and the others are still read."""

    def __init__(self, inputs: tuple[str, ...], *, quiet: bool) -> None:
        self.inputs, self.quiet = inputs, quiet
        self.unreadable = self.failed = self.documents = 0

    def _unreadable(self, exc: InputError) -> None:
        self.unreadable += 1
        click.echo(f"error: {exc}", err=True)

    def results(self, nlp, convert: Callable) -> Iterator:
        """``(document, [convert(doc) of each piece])`` for every document that could be annotated."""
        from ..corpus.batch import pipe_documents
        from ..corpus.inputs import count_documents, read_documents

        bar = progress_bar(count_documents(self.inputs), quiet=self.quiet)
        documents = read_documents(self.inputs, on_error=self._unreadable,
                                   on_warning=lambda exc: click.echo(f"warning: {exc}", err=True))
        for document, _, parts, error in pipe_documents(nlp, documents, convert=convert):
            bar.update(1)
            self.documents += 1
            if parts is None:
                self.failed += 1
                click.echo(f"error: {document.where}: {error}", err=True)
                continue
            yield document, [result for _, result in parts]
        bar.close()

    def exit_status(self) -> None:
        """Raise the exit-1 message when some inputs or documents were left out."""
        message = problems_message(unreadable=self.unreadable, failed=self.failed)
        if message:
            raise click.ClickException(message)


@click.command()
@click.argument("name")
@click.option("--label", type=click.Choice(NER_LABELS, case_sensitive=False),
              help="Treat NAME as a span NER tagged with this label (default: a name found in running text).")
@click.option("--country", help="As if a country cue stood next to NAME (e.g. RU for \"Russia's ...\").")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the explanation.")
@gazetteer_options
@resolution_options
def lookup(name, label, country, as_json, gazetteers, no_shipped, fuzzy_threshold, no_world, geonames_index):
    """Explain how NAME resolves: its keys, every candidate entry, and which one wins and why.

    The options are annotate's that change how one name resolves (--model, --nil-ids and
    --conventions act on whole documents, so lookup has none of them)."""
    from ..analyst.lookup import explain
    from ..analyst.lookup_text import format_explanation

    gazetteer = _load_gazetteer(gazetteers, no_shipped)
    world = None
    if not no_world and label and label.upper() in PLACE_LABELS:
        from ..world.places import world_layer

        try:
            world = world_layer(gazetteer.entries, index_path=geonames_index)
        except NormalizerError as exc:
            raise failure(exc, exit_code=EXIT_CONFIG) from exc
    found = explain(name, gazetteer, label=label.upper() if label else None,
                    country=country.upper() if country else None, fuzzy_threshold=fuzzy_threshold, world=world)
    click.echo(json.dumps(found.as_dict(), ensure_ascii=False) if as_json else format_explanation(found))


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), callback=stdout_dash,
              help="Write the patch here (default, or '-': stdout).")
@pipeline_options
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--min-count", type=click.IntRange(1), default=2, show_default=True,
              help="Propose only names seen at least this often.")
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True, help="At most this many proposals.")
@click.option("--into", type=click.Path(dir_okay=False),
              help="File the patch sends new entries to (default: the last --gazetteer file, or "
              "my-entities.yaml in the last --gazetteer folder, else in the current folder).")
@interruptible
def suggest(inputs, output, config, quiet, min_count, limit, into):
    """Propose gazetteer additions from INPUTS (as for annotate): names NER found that resolved to
    nothing or only by a close spelling, clustered and ranked, as a YAML patch to review and apply."""
    from ..analyst.patch import DEFAULT_INTO
    from ..analyst.patchfile import write_patch
    from ..analyst.suggest import propose, sightings_of

    if output:
        refuse_overwriting_inputs(output, [*inputs, *config.gazetteers, *([into] if into else [])],
                                  what="an input or a gazetteer file")
        check_output(output)
    nlp = load_pipeline(config, quiet=quiet)
    component = nlp.get_pipe("entity_normalizer")
    corpus = _Corpus(inputs, quiet=quiet)
    sightings = []
    for document, pieces in corpus.results(nlp, convert=lambda doc: sightings_of(doc, "")):
        sightings += [replace(s, doc_id=document.id) for piece in pieces for s in piece]
    gazetteers, documents = config.gazetteers, corpus.documents
    world = getattr(component.resolver, "world", None)
    proposals = propose(sightings, component.gazetteer, min_count=min_count, limit=limit,
                        places=getattr(world, "index", None))
    last = Path(gazetteers[-1]) if gazetteers else None
    target = Path(into or (last / DEFAULT_INTO if last and last.is_dir() else last or DEFAULT_INTO)).resolve()
    patch = {"name": output or "PATCH.yaml", "corpus": list(inputs), "shipped": config.shipped,
             "gazetteer": [str(Path(g).resolve()) for g in gazetteers], "into": str(target),
             "documents": documents, "mentions": len(sightings)}
    if output:
        # The whole patch goes to a temporary file beside OUTPUT, which replaces it only when complete:
        # an existing patch (perhaps reviewed) stays as it was if anything fails before that.
        from ..atomic import atomic_open

        try:
            with atomic_open(output) as stream:
                write_patch(proposals, stream, **patch)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    else:
        write_patch(proposals, sys.stdout, **patch)
    if not quiet:
        click.echo(f"{len(proposals)} proposal(s) from {len(sightings)} mentions in {documents} documents"
                   + (f", written to {output}" if output else ""), err=True)
    corpus.exit_status()


@click.command()
@click.argument("patch", type=click.Path(exists=True, dir_okay=False))
@click.option("--into", type=click.Path(dir_okay=False),
              help="File for new entries, judgements and changes to shipped entries (default: the patch's 'into').")
def apply(patch, into):
    """Apply the proposals of PATCH marked accept: true or reject: true, then check the gazetteer;
    if the check fails, every file is restored and the errors are listed. Concurrent applies to the
    same files wait for each other; every file is replaced whole (never left half written)."""
    from ..analyst.patch import RestoreError, apply_patch
    from ..analyst.patchfile import read_patch

    try:
        result = apply_patch(read_patch(patch), into=into)
    except GazetteerErrors as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        if any(isinstance(error, RestoreError) for error in exc.errors):
            raise click.ClickException(
                f"{len(exc.errors)} error(s); some files could not be restored (see above)") from exc
        raise click.ClickException(
            f"{len(exc.errors)} error(s); nothing was changed (every file is as it was)") from exc
    except NormalizerError as exc:
        raise click.ClickException(f"{exc}; nothing was changed") from exc
    for message in result.messages:
        click.echo(message)
    click.echo(f"ok: {len(result.written)} file(s) written, the gazetteer checks out ({result.entries} entries)")
    if result.written and result.into in result.written and not result.into_in_gazetteer:
        click.echo(f"note: pass --gazetteer {result.into} to use the new entries")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--no-shipped", is_flag=True, help="Count only PATHS, without the shipped gazetteer.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the summary.")
def stats(paths, no_shipped, as_json):
    """Entries by type, variants by kind, names matched: for the gazetteer and for each file."""
    from ..analyst.stats import format_stats, gazetteer_stats

    counted = gazetteer_stats(_load_gazetteer(paths, no_shipped))
    click.echo(json.dumps(counted, ensure_ascii=False) if as_json else format_stats(counted))


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@pipeline_options
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--all", "everything", is_flag=True, help="Also list entries the corpus never mentions.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the list.")
@interruptible
def unused(inputs, config, quiet, everything, as_json):
    """List, per entry, the listed variants that no mention in INPUTS used."""
    from ..analyst.stats import UsageCounter, format_unused

    nlp = load_pipeline(config, quiet=quiet)
    gazetteer = nlp.get_pipe("entity_normalizer").gazetteer
    usage = UsageCounter()
    corpus = _Corpus(inputs, quiet=quiet)
    for _ in corpus.results(nlp, convert=usage.add):
        pass
    rows = usage.unused(gazetteer, everything=everything)
    never = usage.never_mentioned(gazetteer)
    if as_json:
        click.echo(json.dumps({"entries": rows, "never_mentioned": never}, ensure_ascii=False))
    else:
        click.echo(format_unused(rows, never=never, everything=everything))
    corpus.exit_status()


def register(main: click.Group, gazetteer_group: click.Group) -> None:
    """Add the analyst's commands to the ``entity-normalizer`` group and its ``gazetteer`` subgroup."""
    main.add_command(suggest)
    for command in (lookup, apply, stats, unused):
        gazetteer_group.add_command(command)
