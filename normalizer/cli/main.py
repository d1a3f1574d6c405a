"""The ``entity-normalizer`` command: a thin click layer over the library.

Options shared by several commands, exit codes and progress live in ``cli_common.py``; the
annotate run itself in ``corpus.py``; the analyst's commands in ``cli_analyst.py``. Package
exceptions become a message on stderr and exit code 1 (2 for configuration errors).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import GazetteerErrors, NormalizerError
from .common import (
    ConfigFailure,
    failure,
    interruptible,
    load_pipeline,
    new_ids_option,
    pipeline_options,
    refuse_overwriting_inputs,
    run_options,
    stdout_dash,
    worker_count,
)

FORMATS = ("jsonl", "tsv", "text", "html")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="entity-normalizer")
def main() -> None:
    """Find people, organizations and places in English text and map every spelling to one id.

    Exit codes: 0 all done; 1 some inputs or documents failed, or the output could not be
    written; 2 usage or configuration error; 130 interrupted.
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(), callback=stdout_dash,
              help="Write here instead of standard output ('-'): safely, through OUTPUT.partial, renamed into "
              "place at the end. With --dask, a folder for the shards.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: one record per document; tsv: one row per entity; text: inline marks; "
              "html: one self-contained page with highlights, an entity table and a map.")
@click.option("--why", is_flag=True, help="Give each span the rules that made or changed it, where NER alone "
              "did not decide (\"why\": [\"untagged\", \"comma\"]); see the README.")
@click.option("--resume", is_flag=True, help="Continue an interrupted or killed run of the same command: keep the "
              "records already in OUTPUT.partial and annotate only the rest.")
@click.option("--summary", type=click.Path(dir_okay=False), help="Also write the table of every canonical id: name, "
              "type, mentions, documents and the variants seen (TSV; JSONL for .jsonl, the report's table for .html).")
@click.option("--dask", "dask_address", is_flag=False, flag_value="local", metavar="[SCHEDULER_ADDRESS]",
              help="Run on a Dask cluster: a local one (one worker per core, or --jobs) without an address, else "
              "the scheduler at the address; -o names a folder for one shard per partition; a rerun skips the "
              "finished shards.")
@click.option("--partition-size", default="1MiB", show_default=True, metavar="SIZE",
              help="With --dask: input per partition (and shard); large JSONL files are cut at line ends.")
@new_ids_option
@pipeline_options
@run_options
@click.pass_context
def annotate(ctx, inputs, output, fmt, why, resume, summary, dask_address, partition_size, new_ids, config, jobs,
             batch_size, quiet):
    """Annotate INPUTS: text files, directories (recursive), '-' for stdin, or .jsonl files whose
    records have a "text" field (their other fields pass through).

    A bad input or document is reported by name and the others are still annotated (exit 1).
    With -o, Ctrl-C or a crash keeps the finished records; --resume continues the run."""
    if dask_address is not None:
        from .sharded import run_dask

        jobs_given = ctx.get_parameter_source("jobs") != click.core.ParameterSource.DEFAULT
        sys.exit(run_dask(inputs, address=dask_address, output=output, fmt=fmt, config=config,
                          jobs=worker_count(jobs) if jobs_given else None, partition_size=partition_size,
                          batch_size=batch_size, why=why, summary=summary, new_ids=new_ids, quiet=quiet))
    if ctx.get_parameter_source("partition_size") != click.core.ParameterSource.DEFAULT:
        raise ConfigFailure("--partition-size works with --dask")
    if output is not None and Path(output).is_dir():
        raise ConfigFailure(f"{output}: is a folder; give a file name for the output (--dask writes shards to a "
                            "folder)")
    from .run import AnnotateRun

    run = AnnotateRun(inputs, output=output, fmt=fmt, resume=resume, config=config, jobs=worker_count(jobs),
                      batch_size=batch_size, quiet=quiet, why=why, summary=summary, new_ids=new_ids)
    sys.exit(run.execute())


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("system", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--labels", help="Comma list of label groups to score, e.g. PLACE or PERSON,ORG.")
@click.option("--only-id", is_flag=True, help="Score only gold spans with an id (geoparsing corpora).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the readable report.")
@click.option("--errors", type=click.IntRange(0), default=20, show_default=True,
              help="How many errors to list with their context.")
@new_ids_option
@pipeline_options
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@interruptible
def evaluate(gold, system, labels, only_id, as_json, errors, new_ids, config, quiet):
    """Score SYSTEM.jsonl (or, without it, this normalizer's own output on GOLD's texts, annotated
    with the pipeline options) against GOLD.jsonl: span P/R/F1 per label, GeoNames id accuracy,
    cluster accuracy and accuracy within 161 km, with a list of errors in context. Agrees with
    ../shared/eval/score.py."""
    import json

    from ..analyst.eval_records import check_gold, load_records
    from ..analyst.evaluate import evaluate as score
    from ..analyst.evaluate import format_report

    try:
        gold_records = load_records(gold)
        check_gold(gold_records)  # malformed gold: exit 1 before annotating anything
        system_records = load_records(system) if system else None
    except NormalizerError as exc:
        raise failure(exc) from exc
    if system_records is None:
        system_records, failed = _annotate_gold(gold, gold_records, config, new_ids=new_ids, quiet=quiet or as_json)
    else:
        failed = 0
    groups = {x.strip().upper() for x in labels.split(",")} if labels else None
    try:
        report = score(gold_records, system_records, labels=groups, only_id=only_id)
    except NormalizerError as exc:
        raise failure(exc) from exc
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(report.as_dict(errors=errors > 0), ensure_ascii=False))
    else:
        click.echo(format_report(report, errors=errors))
    if failed:
        raise click.ClickException(f"{failed} gold document(s) could not be annotated (see above); "
                                   "they count as missed")


def _annotate_gold(path: str, gold_records: list, config, *, new_ids: bool, quiet: bool) -> tuple[list[dict], int]:
    """This normalizer's records for the gold texts (with the corpus's provisional ids unless
    ``new_ids`` is off), and how many failed (such a document has no spans, and is named on stderr)."""
    from ..corpus.batch import annotate_documents
    from ..corpus.inputs import Document

    nlp = load_pipeline(config, quiet=quiet)
    records = [r for r in gold_records if isinstance(r, dict)]
    documents = (Document(id=f"{path}: document {r.get('id')!r}", text=r["text"] if isinstance(r.get("text"), str)
                          else "") for r in records)
    system, failed = [], 0
    for record, outcome in zip(records, annotate_documents(nlp, documents)):
        if not outcome.ok:
            failed += 1
            click.echo(f"error: {outcome.document.where}: {outcome.error}", err=True)
        system.append({"id": record.get("id"), "text": outcome.document.text, "spans": outcome.spans or []})
    if new_ids:
        from ..corpus.identities import assign, corpus_identities

        identities = corpus_identities(system)
        system = [assign(record, identities) for record in system]
    return system, failed


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
    from ..world.dump import import_geonames_dump
    from ..world.index import GeoNamesIndex

    refuse_overwriting_inputs(output, files, what="a dump file")
    progress = None if quiet else (lambda message: click.echo(message, err=True))
    try:
        out = import_geonames_dump([Path(f) for f in files], out=Path(output), progress=progress,
                                   include_other=include_other)
        with GeoNamesIndex.open(index_path=out) as index:
            places = len(index)
    except NormalizerError as exc:
        raise failure(exc) from exc
    click.echo(f"ok: {out} ({places:,} places)")


@gazetteer.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--no-shipped", is_flag=True, help="Check only PATHS, without the shipped gazetteer.")
def check(paths, no_shipped):
    """Validate the shipped gazetteer plus PATHS; exit 1 with file:line messages on errors."""
    from ..gazetteer.load import load_gazetteer

    try:
        loaded = load_gazetteer([Path(p) for p in paths], shipped=not no_shipped)
    except GazetteerErrors as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(exc.errors)} error(s) in the gazetteer") from exc
    for warning in loaded.warnings:
        click.echo(f"warning: {warning}", err=True)
    names = sum(len(v) for v in loaded.index.by_fold.values())
    files = len(loaded.sources)
    click.echo(f"ok: {len(loaded)} entries, {names} names, {files} files")


from .analyst import register  # noqa: E402  (the analyst's commands: suggest, gazetteer lookup/apply/...)

register(main, gazetteer)

from .serve import serve  # noqa: E402  (the HTTP service; its server packages load only when it runs)

main.add_command(serve)
