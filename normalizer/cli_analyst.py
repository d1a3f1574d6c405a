"""The analyst's commands: ``suggest``, and ``gazetteer lookup | apply | stats | unused``.

A thin click layer over ``lookup.py``, ``suggest.py``, ``patchfile.py``, ``patch.py`` and
``stats.py``; ``register(main, gazetteer_group)`` adds them to the ``entity-normalizer`` command.
Package exceptions become ``click.ClickException`` (exit 1, message on stderr).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from .errors import GazetteerErrors, InputError, NormalizerError
from .schema import NER_LABELS, PLACE_LABELS


def _fail(exc: NormalizerError) -> click.ClickException:
    if isinstance(exc, GazetteerErrors):
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        return click.ClickException(f"{len(exc.errors)} error(s) in the gazetteer")
    return click.ClickException(str(exc))


def _gazetteer_options(function):
    function = click.option("--no-shipped", is_flag=True,
                            help="Use only the --gazetteer files, not the shipped ones.")(function)
    return click.option("-g", "--gazetteer", "gazetteers", multiple=True, type=click.Path(),
                        help="Extra gazetteer YAML file or directory; repeatable.")(function)


def _corpus_options(function):
    function = click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")(function)
    function = click.option("--no-world", is_flag=True,
                            help="Do not resolve places against the GeoNames world layer.")(function)
    return click.option("-m", "--model", help="spaCy pipeline name or path (as for annotate); "
                        "'blank:en' for gazetteer-only matching.")(function)


def _load_gazetteer(gazetteers, no_shipped):
    from .gazetteer import load_gazetteer

    try:
        return load_gazetteer(list(gazetteers), shipped=not no_shipped)
    except NormalizerError as exc:
        raise _fail(exc) from exc


def _pipeline(*, model, gazetteers, no_shipped, no_world, quiet):
    """The annotate pipeline, loaded with progress on stderr."""
    from .cli import _log_progress
    from .pipeline import load

    _log_progress(quiet)
    try:
        return load(model, gazetteers, shipped=not no_shipped, world=not no_world)
    except NormalizerError as exc:
        raise _fail(exc) from exc


def _documents(nlp, inputs, *, quiet: bool, problems: list[InputError]) -> Iterator:
    """(Document, spaCy Doc) pairs over the inputs, with progress on stderr; unreadable inputs
    are reported and collected in ``problems``."""
    from .cli import _Progress
    from .inputs import read_documents

    def report(exc: InputError) -> None:
        problems.append(exc)
        click.echo(f"error: {exc}", err=True)

    documents = list(read_documents(inputs, on_error=report))
    progress = _Progress(len(documents), quiet=quiet)
    for document, doc in zip(documents, nlp.pipe((d.text for d in documents), batch_size=32)):
        progress.step(len(doc), len(doc.ents))
        yield document, doc
    progress.done()


@click.command()
@click.argument("name")
@click.option("--label", type=click.Choice(NER_LABELS, case_sensitive=False),
              help="Treat NAME as a span NER tagged with this label (default: a name found in running text).")
@click.option("--country", help="As if a country cue stood next to NAME (e.g. RU for \"Russia's ...\").")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the explanation.")
@click.option("--no-world", is_flag=True, help="Leave out the GeoNames world layer.")
@_gazetteer_options
def lookup(name, label, country, as_json, no_world, gazetteers, no_shipped):
    """Explain how NAME resolves: its keys, every candidate entry, and which one wins and why."""
    from .lookup import explain
    from .lookup_text import format_explanation

    gazetteer = _load_gazetteer(gazetteers, no_shipped)
    world = None
    if not no_world and label and label.upper() in PLACE_LABELS:
        from .places import world_layer

        world = world_layer(gazetteer.entries)
    found = explain(name, gazetteer, label=label.upper() if label else None,
                    country=country.upper() if country else None, world=world)
    click.echo(json.dumps(found.as_dict(), ensure_ascii=False) if as_json else format_explanation(found))


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the patch here (default: stdout).")
@_corpus_options
@_gazetteer_options
@click.option("--min-count", type=click.IntRange(1), default=2, show_default=True,
              help="Propose only names seen at least this often.")
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True, help="At most this many proposals.")
@click.option("--into", type=click.Path(dir_okay=False),
              help="File the patch sends new entries to (default: the last --gazetteer file, or "
              "my-entities.yaml in the last --gazetteer folder, else in the current folder).")
def suggest(inputs, output, model, no_world, quiet, gazetteers, no_shipped, min_count, limit, into):
    """Propose gazetteer additions from INPUTS (as for annotate): names NER found that resolved to
    nothing or only by a close spelling, clustered and ranked, as a YAML patch to review and apply."""
    from .patch import DEFAULT_INTO
    from .patchfile import write_patch
    from .suggest import propose, sightings_of

    problems: list[InputError] = []
    nlp = _pipeline(model=model, gazetteers=gazetteers, no_shipped=no_shipped, no_world=no_world, quiet=quiet)
    component = nlp.get_pipe("entity_normalizer")
    sightings, documents = [], 0
    for document, doc in _documents(nlp, inputs, quiet=quiet, problems=problems):
        documents += 1
        sightings += sightings_of(doc, document.id)
    world = getattr(component.resolver, "world", None)
    proposals = propose(sightings, component.gazetteer, min_count=min_count, limit=limit,
                        places=getattr(world, "index", None))
    last = Path(gazetteers[-1]) if gazetteers else None
    target = Path(into or (last / DEFAULT_INTO if last and last.is_dir() else last or DEFAULT_INTO)).resolve()
    stream = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        write_patch(proposals, stream, name=output or "PATCH.yaml", corpus=list(inputs),
                    gazetteer=[str(Path(g).resolve()) for g in gazetteers], shipped=not no_shipped,
                    into=str(target), documents=documents, mentions=len(sightings))
    finally:
        if output:
            stream.close()
    if not quiet:
        click.echo(f"{len(proposals)} proposal(s) from {len(sightings)} mentions in {documents} documents"
                   + (f", written to {output}" if output else ""), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} input(s) could not be read (see above)")


@click.command()
@click.argument("patch", type=click.Path(exists=True, dir_okay=False))
@click.option("--into", type=click.Path(dir_okay=False),
              help="File for new entries, judgements and changes to shipped entries (default: the patch's 'into').")
def apply(patch, into):
    """Apply the proposals of PATCH marked accept: true or reject: true, then check the gazetteer;
    if the check fails, every file is restored and the errors are listed."""
    from .patch import apply_patch
    from .patchfile import read_patch

    try:
        result = apply_patch(read_patch(patch), into=into)
    except GazetteerErrors as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
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
    from .stats import format_stats, gazetteer_stats

    counted = gazetteer_stats(_load_gazetteer(paths, no_shipped))
    click.echo(json.dumps(counted, ensure_ascii=False) if as_json else format_stats(counted))


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@_corpus_options
@_gazetteer_options
@click.option("--all", "everything", is_flag=True, help="Also list entries the corpus never mentions.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the list.")
def unused(inputs, model, no_world, quiet, gazetteers, no_shipped, everything, as_json):
    """List, per entry, the listed variants that no mention in INPUTS used."""
    from .stats import UsageCounter, format_unused

    problems: list[InputError] = []
    nlp = _pipeline(model=model, gazetteers=gazetteers, no_shipped=no_shipped, no_world=no_world, quiet=quiet)
    gazetteer = nlp.get_pipe("entity_normalizer").gazetteer
    usage = UsageCounter()
    for _, doc in _documents(nlp, inputs, quiet=quiet, problems=problems):
        usage.add(doc)
    rows = usage.unused(gazetteer, everything=everything)
    never = usage.never_mentioned(gazetteer)
    if as_json:
        click.echo(json.dumps({"entries": rows, "never_mentioned": never}, ensure_ascii=False))
    else:
        click.echo(format_unused(rows, never=never, everything=everything))
    if problems:
        raise click.ClickException(f"{len(problems)} input(s) could not be read (see above)")


def register(main: click.Group, gazetteer_group: click.Group) -> None:
    """Add the analyst's commands to the ``entity-normalizer`` group and its ``gazetteer`` subgroup."""
    main.add_command(suggest)
    for command in (lookup, apply, stats, unused):
        gazetteer_group.add_command(command)
