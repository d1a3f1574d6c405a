"""The ASGI application: annotate and lookup over HTTP, and the Reconciliation Service API 0.2.

Routes (OpenAPI at ``/openapi.json``, interactive docs at ``/docs``):

=========================================  =====================================================
``GET /health``                            status, pid, model, entries, limits
``POST /annotate``                         ``{"text"}`` or ``{"documents": [...]}`` -> the CLI's records
``GET /lookup?name=&label=&country=``      ``gazetteer lookup --json``: the resolver's trace
``GET|POST /reconcile``                    manifest; ``queries=`` / ``query=`` / ``extend=``
``GET /reconcile/suggest/{entity,type,property}?prefix=&cursor=``   autocomplete
``GET /reconcile/preview?id=``             the HTML preview card
``GET /reconcile/properties?type=``        data extension: the properties to fetch
``GET /entity/{id}``                       the entity's page (the manifest's ``view``)
=========================================  =====================================================

Every response allows any origin (CORS, as the 0.2 specification requires of every endpoint); the
GET endpoints that answer JSON also answer JSONP with ``callback=``. Errors are
``{"error": message, "status": code}``; an unexpected exception is logged on the server's stderr and
the client gets a 500 with no detail of it.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Query
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..gazetteer.schema import Entry
from . import protocol
from .catalog import Catalog
from .errors import ApiError
from .http import error_response, integer, json_response, load_json, parameters, read_body
from .lanes import Lane
from .preview import entity_page, not_found_page, preview_card
from .reconcile import MAX_NAME_CHARS
from .service import Service

log = logging.getLogger("normalizer")
SERVICE_NAME = "entity-normalizer"
BIG_BODY = 64 * 1024  # bodies parsed, and responses written, in a worker thread from this size
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_ANNOTATE_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"oneOf": [
        {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}, "id": {}},
         "description": "One document; its other fields pass through to the record"},
        {"type": "object", "required": ["documents"], "properties": {"documents": {"type": "array", "items": {
            "type": "object", "required": ["text"], "properties": {"id": {}, "text": {"type": "string"}}}}}},
    ]}, "example": {"documents": [{"id": "a1", "text": "Troops left Izum and the Kharkov region."}]}}},
}


class Guard:
    """Innermost safety net: an exception no handler took becomes a JSON 500 (inside CORS, so the
    browser can read it); the traceback goes to the server's log only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await error_response(500, "internal error; the server's log has the details")(scope, receive, send)


def create_app(service: Service) -> FastAPI:
    """The application over a loaded :class:`Service`."""
    app = FastAPI(title=SERVICE_NAME, version=__version__, redoc_url=None,
                  description="Annotate English text and reconcile names of people, organizations and places "
                  "(OpenRefine Reconciliation Service API 0.2 at /reconcile).")
    app.add_middleware(Guard)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["*"], max_age=86400)
    _errors(app)
    _annotate_routes(app, service)
    _reconcile_routes(app, service)
    app.state.service = service
    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        callback = request.query_params.get("callback") if request.method == "GET" else None
        return error_response(exc.status, exc.message, callback=callback)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: f"no such endpoint: {request.url.path} (see /docs)",
                   405: f"{request.method} is not allowed on {request.url.path}"}.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
                             for e in exc.errors()[:5])
        return error_response(400, problems or "invalid request")


def _annotate_routes(app: FastAPI, service: Service) -> None:
    limits = service.limits

    @app.get("/health", summary="Is the service up, and with what")
    async def health() -> Response:
        return json_response(service.health())

    @app.post("/annotate", summary="Annotate one text or a list of documents", openapi_extra={
        "requestBody": _ANNOTATE_BODY})
    async def annotate(request: Request, why: bool = False,
                       output: str = Query("json", alias="format", pattern="^(json|jsonl)$",
                                           description="json, or jsonl: the CLI's JSONL lines")) -> Response:
        """The records ``annotate`` writes as JSONL: ``{"text"}`` gives one record; ``{"documents"}``
        gives ``{"records": [...], "errors": [...]}`` (a document the pipeline fails on is an error,
        the others are still annotated). Limits: --max-body-bytes, --max-documents, --max-text-chars."""
        body = await read_body(request, limit=limits.max_body_bytes)
        value = await run_in_threadpool(load_json, body) if len(body) > BIG_BODY else load_json(body)
        documents, single = service.documents(value)
        records, errors = await service.annotate(documents, why=why)
        headers = {"X-Failed-Documents": str(len(errors))}
        if _SURROGATE_ESCAPE.search(body):
            headers["X-Warning"] = ("lone surrogates (invalid escapes such as \\ud800) replaced by U+FFFD; "
                                    "offsets unchanged")
        if output == "jsonl" or "application/x-ndjson" in request.headers.get("accept", ""):
            lines = await run_in_threadpool(_jsonl, records)
            return Response(lines, media_type="application/x-ndjson", headers=headers)
        if single:
            if errors:
                raise ApiError(422, errors[0]["error"])
            return await _big_json(records[0], headers)
        return await _big_json({"records": records, "errors": errors}, headers)

    @app.get("/lookup", summary="Explain how a name resolves (gazetteer lookup --json)")
    async def lookup(name: str = Query(..., description="The name as written"),
                     label: str | None = Query(None, description="NER's label: PERSON, ORG, GPE, LOC or FAC"),
                     country: str | None = Query(None, description="A country cue next to the name (ISO code)"),
                     ) -> Response:
        return json_response(await service.lane.run(service.lookup, name, label=label, country=country))


def _reconcile_routes(app: FastAPI, service: Service) -> None:
    limits, catalog, lane = service.limits, service.catalog, service.lane

    @app.api_route("/reconcile", methods=["GET", "POST"], summary="Reconciliation Service API 0.2")
    async def reconcile(request: Request) -> Response:
        """Without parameters: the service manifest. With ``queries`` (a JSON batch, as a form field,
        a query parameter or the JSON body): the result batch. With ``query``: one query's result.
        With ``extend``: data extension."""
        params, body = await parameters(request, limit=limits.max_body_bytes)
        callback = params.pop("callback", None) if request.method == "GET" else None
        params.pop("_", None)  # a client's cache-buster
        if not params and body is None:
            base = str(request.base_url).rstrip("/")
            world = " and the GeoNames world layer" if service.world is not None else ""
            name = f"{SERVICE_NAME}: {len(service.gazetteer):,} curated entries{world}"
            return json_response(protocol.manifest(base, name=name, batch_size=limits.max_documents,
                                                   version=__version__), callback=callback)
        return json_response(await lane.run(_answer, service, params, body), callback=callback)

    @app.get("/reconcile/suggest/entity", summary="Autocomplete entities by a name's prefix")
    async def suggest_entity(prefix: str = "", cursor: int = Query(0, ge=0, le=10_000),
                             limit: int = Query(10, ge=1, le=100), kind: str | None = Query(None, alias="type"),
                             callback: str | None = None) -> Response:
        _check_prefix(prefix)
        types = protocol.parse_types(kind, where="type") if kind else ()
        found = await lane.run(protocol.suggest_entities, catalog, prefix, types=types, cursor=cursor, limit=limit)
        return json_response(found, callback=callback)

    @app.get("/reconcile/suggest/type", summary="Autocomplete types")
    async def suggest_type(prefix: str = "", cursor: int = Query(0, ge=0, le=10_000),
                           limit: int = Query(10, ge=1, le=100), callback: str | None = None) -> Response:
        _check_prefix(prefix)
        return json_response(protocol.suggest_types(prefix, cursor=cursor, limit=limit), callback=callback)

    @app.get("/reconcile/suggest/property", summary="Autocomplete the properties a query may give")
    async def suggest_property(prefix: str = "", cursor: int = Query(0, ge=0, le=10_000),
                               limit: int = Query(10, ge=1, le=100), callback: str | None = None) -> Response:
        _check_prefix(prefix)
        return json_response(protocol.suggest_properties(prefix, cursor=cursor, limit=limit), callback=callback)

    @app.get("/reconcile/properties", summary="Data extension: the properties that can be fetched")
    async def properties(request: Request, kind: str | None = Query(None, alias="type"),
                         callback: str | None = None) -> Response:
        limit = integer(dict(request.query_params), "limit", default=0, low=0, high=1_000) or None
        return json_response(protocol.propose_properties(kind, limit=limit), callback=callback)

    @app.get("/reconcile/preview", summary="The HTML preview card of an entity", response_class=HTMLResponse)
    async def preview(entity: str = Query(..., alias="id", max_length=MAX_NAME_CHARS)) -> Response:
        return await _html(lane, catalog, entity, preview_card)

    @app.get("/entity/{entity:path}", summary="The page of an entity (the manifest's view)",
             response_class=HTMLResponse)
    async def view(entity: str) -> Response:
        return await _html(lane, catalog, entity, entity_page)


def _answer(service: Service, params: dict[str, str], body: Any) -> Any:
    """What a reconcile request with parameters asks: a batch, one query, or data extension
    (in the gazetteer lane)."""
    limits, catalog = service.limits, service.catalog
    queries, extend = _from_body(body)
    if "queries" in params:
        queries = load_json(params.pop("queries"), what="queries")
    if "extend" in params:
        extend = load_json(params.pop("extend"), what="extend")
    single = params.pop("query", None)
    unknown = sorted(k for k in params if k not in ("limit", "type"))
    if unknown:
        raise ApiError(400, f"unknown parameter(s) {', '.join(map(repr, unknown))}; send queries=, query= or extend=")
    if sum(x is not None for x in (queries, extend, single)) > 1:
        raise ApiError(400, "send one of queries=, query= or extend= per request")
    if extend is not None:
        ids, wanted = protocol.parse_extend(extend, max_ids=limits.max_documents)
        return protocol.extend(catalog, ids, wanted)
    if single is not None:
        raw: Any = load_json(single, what="query") if single.lstrip().startswith("{") else {"query": single}
        if isinstance(raw, dict) and "type" in params:
            raw.setdefault("type", params["type"])
        if isinstance(raw, dict) and "limit" in params:
            raw.setdefault("limit", integer(params, "limit", default=10, low=1, high=100))
        query = protocol.parse_query(raw, catalog)
        return {"result": [c.as_dict(catalog) for c in service.reconciler.reconcile(query)]}
    if queries is None:
        raise ApiError(400, "send queries= (a JSON batch), query= or extend=")
    batch = protocol.parse_batch(queries, catalog, max_queries=limits.max_documents)
    return protocol.results(batch, service.reconciler, catalog)


def _from_body(body: Any) -> tuple[Any, Any]:
    """A JSON body: ``{"queries": batch}`` / ``{"extend": query}``, or the query batch itself."""
    if body is None:
        return None, None
    if isinstance(body, dict) and body and set(body) <= {"queries", "extend"} and not any(
            _is_query(v) for v in body.values()):
        return body.get("queries"), body.get("extend")
    return body, None


def _is_query(value: Any) -> bool:
    return isinstance(value, dict) and (isinstance(value.get("query"), str) or (
        isinstance(value.get("properties"), list) and "ids" not in value))


def _check_prefix(prefix: str) -> None:
    if len(prefix) > MAX_NAME_CHARS:
        raise ApiError(413, f"prefix has {len(prefix):,} characters; at most {MAX_NAME_CHARS:,}")


async def _html(lane: Lane, catalog: Catalog, entity: str, render: Callable[[Catalog, Entry], str]) -> Response:
    entry = await lane.run(catalog.entity, entity)
    if entry is None:
        return HTMLResponse(not_found_page(entity), status_code=404)
    return HTMLResponse(await lane.run(render, catalog, entry))


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in records)


async def _big_json(value: Any, headers: dict[str, str]) -> Response:
    return await run_in_threadpool(json_response, value, headers=headers)
