"""Documents in, records out: reading inputs, the batch path every document takes, and writing.

``inputs`` (files, folders, stdin, JSONL; one JSON reader), ``batch`` (one outcome per document,
serial or in worker processes), ``output`` (``OUT.partial``, the journal, ``--resume``),
``formats`` (JSONL, TSV, text) and ``report`` (the HTML page).
"""
