"""``entity-normalizer serve``: the pipeline and the gazetteer as a local HTTP service (opt-in).

Needs the ``serve`` extra (``pip install 'entity-normalizer[serve]'``: FastAPI and uvicorn). Nothing
here is imported by the default path: the ``serve`` command imports :mod:`normalizer.serve.run`
only when it runs.

* :mod:`.catalog` — the types, properties and facts of entities as the reconciliation API shows them;
* :mod:`.reconcile` — reconciliation queries answered by the resolver's own rules (no HTTP);
* :mod:`.protocol` — the Reconciliation Service API 0.2 documents: manifest, batches, suggest, extend;
* :mod:`.preview` — the HTML preview card and entity page (with a small SVG map for places);
* :mod:`.lanes` — the worker threads that keep CPU-bound work off the event loop;
* :mod:`.service` — everything loaded once at start-up, and what each endpoint asks of it;
* :mod:`.http` — limits, strict request parsing, JSON(P) responses and errors;
* :mod:`.app` — the ASGI application (FastAPI) and its routes;
* :mod:`.run` — start-up: load, check, hand over to uvicorn (one process or several workers).
"""
