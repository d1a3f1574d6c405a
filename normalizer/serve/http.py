"""Requests read strictly and within limits; JSON (and JSONP) responses; errors as JSON.

* A body is read chunk by chunk and refused (413) as soon as it is longer than ``max_body_bytes``
  (whatever its Content-Length says); the rest is drained, up to ``DRAIN_BYTES``, so that the
  client can read the 413 instead of a broken connection.
* JSON is read by the corpus reader (:func:`normalizer.corpus.inputs.parse_json`): not UTF-8,
  invalid, ``NaN``, numbers of more than 4,300 digits and nesting too deep are refused with its
  message. Values nest at most ``MAX_DEPTH`` levels here, and every lone surrogate (``"\\ud800"``)
  in a string becomes U+FFFD, one for one, as the corpus reader does.
* Form bodies (``application/x-www-form-urlencoded``) are what OpenRefine sends; parameters in the
  query string count too.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from ..corpus.inputs import BadJSON, parse_json
from ..text.prepare import repair_surrogates
from .errors import ApiError

MAX_DEPTH = 32
MAX_FIELDS = 100  # form fields per request
DRAIN_BYTES = 64 * 1024 * 1024  # read (and dropped) past the limit, so that the client sees the 413
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
JSON_TYPES = ("application/json", "text/json")
FORM_TYPE = "application/x-www-form-urlencoded"


async def read_body(request: Request, *, limit: int) -> bytes:
    """The request body, at most ``limit`` bytes, else a 413."""
    declared = request.headers.get("content-length")
    chunks, size, too_long = [], 0, False
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        too_long = True
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            too_long = True
        if too_long:
            if size > DRAIN_BYTES:
                break
            continue
        chunks.append(chunk)
    if too_long:
        raise ApiError(413, f"the request body is larger than {limit:,} bytes (serve --max-body-bytes)")
    return b"".join(chunks)


def load_json(data: bytes | str, *, what: str = "the request body") -> Any:
    """A JSON value, read strictly, surrogates repaired, at most ``MAX_DEPTH`` levels deep."""
    if isinstance(data, str):
        data, _ = repair_surrogates(data)
        data = data.encode("utf-8")
    try:
        value = parse_json(data)
    except BadJSON as exc:
        raise ApiError(400, f"{what} is {exc}") from None
    return clean(value, what=what)


def clean(value: Any, *, what: str, depth: int = 0) -> Any:
    """``value`` with lone surrogates in its strings (keys too) replaced by U+FFFD; too deep is a 400."""
    if depth > MAX_DEPTH:
        raise ApiError(400, f"{what} nests more than {MAX_DEPTH} levels deep; the service reads flat records")
    if isinstance(value, str):
        return repair_surrogates(value)[0]
    if isinstance(value, list):
        return [clean(v, what=what, depth=depth + 1) for v in value]
    if isinstance(value, dict):
        return {repair_surrogates(k)[0]: clean(v, what=what, depth=depth + 1) for k, v in value.items()}
    return value


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def parameters(request: Request, *, limit: int) -> tuple[dict[str, str], Any]:
    """The request's parameters (query string, then a form body) and a JSON body, if it has one."""
    params = dict(request.query_params)
    if request.method != "POST":
        return params, None
    body = await read_body(request, limit=limit)
    kind = media_type(request)
    if kind in JSON_TYPES or (not kind and body.lstrip()[:1] in (b"{", b"[")):
        return params, load_json(body)
    if kind == FORM_TYPE or (not kind and body):
        try:
            text = body.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="replace")
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(400, f"the form body cannot be read: {exc}") from None
        params.update(pairs)
        return params, None
    if not body:
        return params, None
    raise ApiError(415, f"send the body as {FORM_TYPE} (queries=..., extend=...) or application/json, not {kind}")


def integer(params: dict[str, str], name: str, *, default: int, low: int = 0, high: int = 10_000) -> int:
    """A whole-number parameter within bounds, else a 400."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit() or not low <= int(raw) <= high:
        raise ApiError(400, f"{name} must be a whole number from {low} to {high:,}, not {raw[:40]!r}")
    return int(raw)


def json_response(value: Any, *, status: int = 200, callback: str | None = None,
                  headers: dict[str, str] | None = None) -> Response:
    """JSON (UTF-8, no NaN), or with ``callback`` JSONP: ``callback(...)`` as JavaScript."""
    body = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if callback:
        if len(callback) > 64 or not _CALLBACK.match(callback):
            return json_response({"error": "callback must be a JavaScript name (letters, digits, _ $ .)",
                                  "status": 400}, status=400)
        return Response(f"/**/{callback}({body});", status_code=status, headers=headers,
                        media_type="application/javascript")
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def error_response(status: int, message: str, *, callback: str | None = None) -> Response:
    return json_response({"error": message, "status": status}, status=status, callback=callback)
