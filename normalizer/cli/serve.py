"""``entity-normalizer serve``: a thin click layer over :mod:`normalizer.serve.run` (imported only when
the command runs, so the default path never imports the server or its packages)."""
from __future__ import annotations

import click

from ..errors import NormalizerError
from .common import EXIT_CONFIG, failure, log_progress, pipeline_options

DEFAULT_PORT = 8000


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only (0.0.0.0: every network).")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on; 0 picks a free one (the line on stderr says which).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes, each with its own pipeline, sharing the port.")
@pipeline_options
@click.option("--batch-size", type=click.IntRange(1), default=32, show_default=True,
              help="Documents per spaCy batch; concurrent requests share batches.")
@click.option("--max-body-bytes", type=click.IntRange(1), default=10_000_000, show_default=True,
              help="Largest request body; larger ones get 413.")
@click.option("--max-documents", type=click.IntRange(1), default=1_000, show_default=True,
              help="Most documents per annotate request, queries per reconciliation batch (the manifest's "
              "batchSize) and ids per data extension request.")
@click.option("--max-text-chars", type=click.IntRange(1), default=1_000_000, show_default=True,
              help="Longest text of one document, in characters.")
@click.option("--access-log", is_flag=True, help="Log every request on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or start-up line on stderr.")
def serve(host, port, workers, config, batch_size, max_body_bytes, max_documents, max_text_chars, access_log,
          quiet):
    """Serve the pipeline over HTTP: POST /annotate, GET /lookup, GET /health, API docs at /docs, and
    an OpenRefine reconciliation service (Reconciliation API 0.2) at /reconcile.

    Loads the pipeline once, with annotate's options; a gazetteer error, a missing model or a port
    in use stops it before it listens (exit 2). Needs the serve extra:
    pip install 'entity-normalizer[serve]'. Ctrl-C or SIGTERM stops it (exit 0)."""
    from ..serve.run import serve as run_server
    from ..serve.service import Limits, ServeOptions

    log_progress(quiet)
    options = ServeOptions(config, Limits(max_body_bytes=max_body_bytes, max_documents=max_documents,
                                          max_text_chars=max_text_chars), batch_size)

    def ready(url: str) -> None:
        if not quiet:
            click.echo(f"serving {url} (OpenRefine: {url}/reconcile; API docs: {url}/docs); Ctrl-C stops",
                       err=True)

    try:
        run_server(options, host=host, port=port, workers=workers, access_log=access_log, ready=ready)
    except NormalizerError as exc:
        raise failure(exc, exit_code=EXIT_CONFIG) from exc
    if not quiet:
        click.echo("stopped", err=True)
