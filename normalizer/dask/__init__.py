"""The normalizer on a Dask cluster (the ``dask`` extra: ``pip install 'entity-normalizer[dask]'``).

* :func:`read_bag` — a ``dask.bag.Bag`` of documents from files, folders, globs and URLs (text and
  JSONL, compressed or not, anything fsspec reads);
* :func:`annotate_bag` — a bag of documents (or strings, or JSONL-like dicts) to a bag of records,
  exactly the records ``annotate`` writes, failures as records that name their document;
* :class:`ShardedRun` — what ``annotate INPUTS --dask [ADDRESS] -o OUTDIR/`` does: one shard per
  partition, written atomically by the workers, resumable, with the corpus-wide entity table
  merged on the cluster (``--summary``).

Every path annotates through :func:`normalizer.corpus.batch.annotate_documents`, the core the serial
``annotate`` and ``--jobs`` use, so the three give the same bytes.
"""
from __future__ import annotations

try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
except ImportError as exc:  # pragma: no cover  (the extra is not installed)
    raise ImportError(f"normalizer.dask needs the dask extra: pip install 'entity-normalizer[dask]' ({exc})") from exc

from .bag import annotate_bag, read_bag
from .run import ClusterError, RunReport, ShardedRun, local_cluster
from .worker import PipelinePlugin, StartUp, WorkerSetupError

__all__ = ["ClusterError", "PipelinePlugin", "RunReport", "ShardedRun", "StartUp", "WorkerSetupError",
           "annotate_bag", "local_cluster", "read_bag"]
