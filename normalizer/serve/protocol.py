"""The Reconciliation Service API 0.2 documents: the manifest, query batches and their results,
suggest responses, data extension queries and responses, property proposals.

https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/ — the JSON schemas
of that version are vendored with the tests (``tests/serve/schemas``), which check every document
made here against them. A query batch that breaks the schema is refused with a 400 that names the
query and the field; so is a type or a property this service does not know.
"""
from __future__ import annotations

from typing import Any

from .catalog import (
    DEFAULT_TYPES,
    EXTEND_PROPERTIES,
    QUERY_PROPERTIES,
    TYPES,
    VARIANT_SETTINGS,
    Catalog,
    EntityType,
    entity_types,
)
from .errors import ApiError
from .reconcile import DEFAULT_LIMIT, MAX_LIMIT, MAX_NAME_CHARS, Query, Reconciler

VERSIONS = ["0.2"]
IDENTIFIER_SPACE = "urn:entity-normalizer:id:"  # ids such as geonames:706483, person:lloyd-austin
SCHEMA_SPACE = "urn:entity-normalizer:type:"
PREVIEW_SIZE = {"width": 430, "height": 190}
QUERY_FIELDS = frozenset({"query", "type", "limit", "properties", "type_strict"})
TYPE_STRICT = frozenset({"any", "should", "all"})


def manifest(base: str, *, name: str, batch_size: int, version: str) -> dict[str, Any]:
    """The service manifest; ``base`` is the URL the client reached the service at (no trailing slash)."""
    suggest = f"{base}/reconcile/suggest"
    return {
        "versions": VERSIONS,
        "name": name,
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "documentation": f"{base}/docs",
        "serviceVersion": version,
        "defaultTypes": [t.as_dict() for t in DEFAULT_TYPES],
        "view": {"url": f"{base}/entity/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", **PREVIEW_SIZE},
        "suggest": {
            "entity": {"service_url": suggest, "service_path": "/entity"},
            "type": {"service_url": suggest, "service_path": "/type"},
            "property": {"service_url": suggest, "service_path": "/property"},
        },
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
            "property_settings": VARIANT_SETTINGS,
        },
        "batchSize": batch_size,
    }


# -- reconciliation queries ------------------------------------------------------------------------

def parse_batch(batch: Any, catalog: Catalog, *, max_queries: int) -> dict[str, Query]:
    """A query batch ``{"q0": {...}, ...}`` as checked queries (a 400 names the first problem)."""
    if not isinstance(batch, dict):
        raise ApiError(400, 'a query batch is a JSON object of queries: {"q0": {"query": "Kharkov"}}')
    if len(batch) > max_queries:
        raise ApiError(413, f"{len(batch):,} queries in one batch; at most {max_queries:,} (the manifest's batchSize)")
    return {key: parse_query(value, catalog, where=f"query {key!r}") for key, value in batch.items()}


def parse_query(raw: Any, catalog: Catalog, *, where: str = "the query") -> Query:
    """One query: a JSON object (``query``, ``type``, ``limit``, ``properties``), or a bare string."""
    if isinstance(raw, str):
        raw = {"query": raw}
    if not isinstance(raw, dict):
        raise ApiError(400, f'{where}: a query is a JSON object such as {{"query": "Kharkov", "type": "place"}}')
    unknown = sorted(set(raw) - QUERY_FIELDS)
    if unknown:
        raise ApiError(400, f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; a query has "
                       f"{', '.join(sorted(QUERY_FIELDS))}")
    text = raw.get("query", "")
    if not isinstance(text, str):
        raise ApiError(400, f'{where}: "query" must be a string')
    if len(text) > MAX_NAME_CHARS:
        raise ApiError(413, f'{where}: "query" has {len(text):,} characters; at most {MAX_NAME_CHARS:,}')
    properties = raw.get("properties", [])
    if not text.strip() and not properties:
        raise ApiError(400, f'{where}: give a non-empty "query" (or "properties")')
    if raw.get("type_strict") is not None and raw["type_strict"] not in TYPE_STRICT:
        raise ApiError(400, f'{where}: "type_strict" must be one of {", ".join(sorted(TYPE_STRICT))}')
    country, parent, given = _properties(properties, catalog, where)
    return Query(text, types=parse_types(raw.get("type"), where=where), limit=_limit(raw.get("limit"), where),
                 country=country, country_given="country" in given, parent=parent, parent_given="parent" in given)


def parse_types(value: Any, *, where: str) -> tuple[EntityType, ...]:
    """A type id or a list of them (the schema space may prefix them), each one this service has."""
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ApiError(400, f'{where}: "type" must be a type id or a list of them')
    types = []
    for item in values:
        key = item.removeprefix(SCHEMA_SPACE)
        if key not in TYPES:
            raise ApiError(400, f"{where}: unknown type {item!r}; the types are {', '.join(TYPES)}")
        types.append(TYPES[key])
    return tuple(types)


def _limit(value: Any, where: str) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 1:
        raise ApiError(400, f'{where}: "limit" must be a positive whole number')
    return min(int(value), MAX_LIMIT)


def _properties(properties: Any, catalog: Catalog, where: str) -> tuple[str | None, Any, set[str]]:
    if not isinstance(properties, list):
        raise ApiError(400, f'{where}: "properties" must be a list of {{"pid": ..., "v": ...}}')
    country, parent, given = None, None, set()
    for item in properties:
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise ApiError(400, f'{where}: each property is {{"pid": "country", "v": "UA"}}')
        pid = item["pid"]
        if pid not in QUERY_PROPERTIES:
            raise ApiError(400, f"{where}: unknown property {pid!r}; a query may give {', '.join(QUERY_PROPERTIES)}")
        values = [v for v in (item["v"] if isinstance(item["v"], list) else [item["v"]]) if v not in ("", None)]
        texts = [_property_text(v, where) for v in values]
        if not texts:
            continue  # an empty cell: no constraint
        given.add(pid)
        if pid == "country":
            country = next((code for code in map(catalog.country_code, texts) if code), None)
        else:
            parent = next((entry for entry in map(catalog.place, texts) if entry is not None), None)
    return country, parent, given


def _property_text(value: Any, where: str) -> str:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]  # an entity reconciled before
    if isinstance(value, str):
        return value
    raise ApiError(400, f"{where}: a property value here is a string or {{\"id\": ...}}, not {value!r}")


def results(queries: dict[str, Query], reconciler: Reconciler, catalog: Catalog) -> dict[str, Any]:
    """The result batch: ``{"q0": {"result": [candidate, ...]}, ...}``."""
    return {key: {"result": [c.as_dict(catalog) for c in reconciler.reconcile(query)]}
            for key, query in queries.items()}


# -- suggest, property proposals -------------------------------------------------------------------

def suggest_entities(catalog: Catalog, prefix: str, *, types: tuple[EntityType, ...], cursor: int,
                     limit: int) -> dict[str, Any]:
    found = catalog.suggest(prefix, types=types, cursor=cursor, limit=limit)
    return {"result": [{"id": entry.canonical_id, "name": entry.name or entry.canonical_id,
                        "description": catalog.describe(entry, name), "notable": entity_types(entry)}
                       for entry, name in found]}


def suggest_types(prefix: str, *, cursor: int, limit: int) -> dict[str, Any]:
    key = prefix.strip().casefold()
    found = [t for t in TYPES.values() if t.id.startswith(key) or t.name.casefold().startswith(key)]
    return {"result": [t.as_dict() for t in found[cursor:cursor + limit]]}


def suggest_properties(prefix: str, *, cursor: int, limit: int) -> dict[str, Any]:
    key = prefix.strip().casefold()
    found = [p for p in QUERY_PROPERTIES.values() if p.id.startswith(key) or p.name.casefold().startswith(key)]
    return {"result": [{"id": p.id, "name": p.name, "description": p.description}
                       for p in found[cursor:cursor + limit]]}


def propose_properties(type_id: str | None, *, limit: int | None) -> dict[str, Any]:
    """The properties data extension can fetch, for any type (all entities have the same ones)."""
    if type_id is not None:
        parse_types(type_id, where="type")
    found = [{"id": p.id, "name": p.name, "description": p.description} for p in EXTEND_PROPERTIES.values()]
    out: dict[str, Any] = {"properties": found[:limit] if limit else found}
    if type_id is not None:
        out["type"] = type_id
    if limit is not None:
        out["limit"] = limit
    return out


# -- data extension --------------------------------------------------------------------------------

def parse_extend(raw: Any, *, max_ids: int) -> tuple[list[str], list[tuple[str, dict[str, Any]]]]:
    """A data extension query ``{"ids": [...], "properties": [{"id": ..., "settings": {...}}]}``."""
    if not isinstance(raw, dict) or not isinstance(raw.get("ids"), list) or not isinstance(raw.get("properties"), list):
        raise ApiError(400, 'a data extension query is {"ids": ["geonames:706483"], "properties": [{"id": "lat"}]}')
    ids = raw["ids"]
    if not all(isinstance(i, str) for i in ids):
        raise ApiError(400, '"ids" must be a list of entity ids (strings)')
    if len(ids) > max_ids:
        raise ApiError(413, f"{len(ids):,} ids in one data extension query; at most {max_ids:,}")
    properties = []
    for item in raw["properties"]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise ApiError(400, 'each property to fetch is {"id": "country"} (with optional "settings")')
        if item["id"] not in EXTEND_PROPERTIES:
            raise ApiError(400, f"unknown property {item['id']!r}; the properties are {', '.join(EXTEND_PROPERTIES)}")
        settings = item.get("settings") or {}
        if not isinstance(settings, dict):
            raise ApiError(400, f"property {item['id']!r}: \"settings\" must be an object")
        properties.append((item["id"], settings))
    return ids, properties


def extend(catalog: Catalog, ids: list[str], properties: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The data extension response: ``meta`` (the properties) and ``rows`` (their values by id)."""
    meta = []
    for prop, _ in properties:
        item: dict[str, Any] = {"id": prop, "name": EXTEND_PROPERTIES[prop].name}
        target = EXTEND_PROPERTIES[prop].entity_type
        if target:
            item["type"] = TYPES[target].as_dict()
        meta.append(item)
    rows = {}
    for canonical_id in ids:
        entry = catalog.entity(canonical_id)
        rows[canonical_id] = {prop: catalog.values(entry, prop, settings) if entry is not None else []
                              for prop, settings in properties}
    return {"meta": meta, "rows": rows}
