"""``entity-normalizer serve`` as a process, over HTTP: /health, /annotate, /lookup, errors, limits,
CORS, and hostile inputs that must get a 4xx or a result, never a crash."""
from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from click.testing import CliRunner

from normalizer.cli.main import main

from .conftest import start

LIMITS = ["--max-documents", "20", "--max-text-chars", "200000", "--max-body-bytes", "3000000"]
TEXT = "Troops left Izum and the Kharkov region; trains reached Kiev."


@pytest.fixture(scope="module")
def server(server_tmp):
    running = start(server_tmp, "--model", "blank:en", *LIMITS)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def http(server):
    with server.client() as client:
        yield client


def error_of(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status and "Traceback" not in response.text
    return body["error"]


def test_health(http, server):
    body = http.get("/health").json()
    assert body["status"] == "ok" and body["pipeline"] == ["entity_normalizer"] and body["world"] is True
    assert body["limits"] == {"max_body_bytes": 3_000_000, "max_documents": 20, "max_text_chars": 200_000}
    assert server.url.startswith("http://127.0.0.1:")  # loopback by default


def test_annotate_one_text(http):
    record = http.post("/annotate", json={"text": TEXT}).json()
    assert record["id"] == "0" and record["text"] == TEXT
    assert [(s["text"], s["id"]) for s in record["spans"]] == [
        ("Izum", "geonames:707292"), ("Kharkov region", "place:kharkiv-oblast"), ("Kiev", "geonames:703448")]
    assert all(TEXT[s["start"]:s["end"]] == s["text"] for s in record["spans"])


def test_annotate_gives_the_cli_records(http, tmp_path):
    documents = [{"id": "a", "source": "wire", "text": TEXT}, {"id": 7, "text": "Shelling hit Izyum."},
                 {"text": "No names here."}, {"id": "d", "text": ""}]
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    cli = CliRunner().invoke(main, ["annotate", "--model", "blank:en", str(source)])
    assert cli.exit_code == 0, cli.output
    expected = [json.loads(line) for line in cli.stdout.splitlines()]
    for record in expected:
        record.pop("path")  # the CLI names the file; HTTP documents come from no file
    if documents[2].get("id") is None:
        expected[2]["id"] = "2"  # the CLI's default id is path:line, the service's the position
    body = http.post("/annotate", json={"documents": documents}).json()
    assert body == {"records": expected, "errors": []}
    lines = http.post("/annotate?format=jsonl", json={"documents": documents})
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in lines.text.splitlines()] == expected


def test_annotate_why_is_the_cli_why(http):
    text = "He spoke in Kyiv, Ukraine, of Kupyansk and the Kharkov region."
    cli = CliRunner().invoke(main, ["annotate", "--model", "blank:en", "--why", "-"], input=text)
    assert cli.exit_code == 0, cli.output
    record = http.post("/annotate?why=true", json={"text": text}).json()
    assert record["spans"] == json.loads(cli.stdout)["spans"] and len(record["spans"]) == 4


def test_concurrent_requests_share_batches_and_keep_their_own_results(server):
    texts = [f"Report {i}: shelling near Izum and Kupiansk, then Kiev." for i in range(24)]

    async def run() -> list[dict]:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            answers = await asyncio.gather(*(client.post("/annotate", json={"id": str(i), "text": t})
                                             for i, t in enumerate(texts)))
        return [a.json() for a in answers]

    records = asyncio.run(run())
    assert [r["text"] for r in records] == texts and [r["id"] for r in records] == [str(i) for i in range(24)]
    assert all([s["id"] for s in r["spans"]] == ["geonames:707292", "geonames:703656", "geonames:703448"]
               for r in records)


@pytest.mark.parametrize(("body", "status", "says"), [
    (b'{"text": ', 400, "not valid JSON"),
    (b"[1, 2]", 400, '"text"'),
    (b'{"texts": "Kyiv"}', 400, '"text"'),
    (b'{"text": 5}', 400, '"text" must be a string'),
    (b'{"text": "a", "documents": []}', 400, "not both"),
    (b'{"documents": {"text": "a"}}', 400, "must be a list"),
    (b'{"documents": ["Kyiv"]}', 400, "document 0"),
    (b'{"documents": [{"id": "x"}]}', 400, "document 0"),
    (b'{"text": NaN}', 400, "NaN"),
    (b'{"text": "a", "n": ' + b"9" * 5000 + b"}", 400, "digits"),
    (b'{"text": "\xff\xfe"}', 400, "UTF-8"),
    (b'{"text": "a\x00b"}', 400, "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, 400, "nested too deeply"),
    (b'{"text": "a", "x": ' + b'{"y": ' * 40 + b"1" + b"}" * 40 + b"}", 400, "levels deep"),
])
def test_annotate_refuses_bad_bodies(http, body, status, says):
    message = error_of(http.post("/annotate", content=body, headers={"content-type": "application/json"}), status)
    assert says in message


def test_limits(http):
    too_many = {"documents": [{"text": "Kyiv."}] * 21}
    assert "at most 20" in error_of(http.post("/annotate", json=too_many), 413)
    assert "200,000" in error_of(http.post("/annotate", json={"text": "Kyiv. " * 40_000}), 413)
    big = json.dumps({"text": "x" * 3_100_000}).encode()
    assert "3,000,000 bytes" in error_of(http.post("/annotate", content=big), 413)

    def chunks():  # no Content-Length: the limit counts what arrives
        for _ in range(40):
            yield b" " * 100_000

    assert "larger than" in error_of(http.post("/annotate", content=chunks()), 413)


def test_hostile_inputs_get_a_4xx_or_a_result(http, server):
    five_mb = {"text": "Kharkiv and Izium. " * 276_000}
    assert error_of(http.post("/annotate", json=five_mb), 413)
    lone = http.post("/annotate", content=b'{"id": "s", "text": "\\ud800 left Kiev \\udfff."}',
                     headers={"content-type": "application/json"})
    assert lone.status_code == 200 and "surrogate" in lone.headers["x-warning"]
    record = lone.json()
    assert record["text"] == "\ufffd left Kiev \ufffd."
    assert [(s["start"], s["end"], s["id"]) for s in record["spans"]] == [(7, 11, "geonames:703448")]
    nul = http.post("/annotate", json={"text": "Kyiv\u0000Kharkiv \u0000\u0000 Izium"})
    assert nul.status_code == 200
    assert [s["id"] for s in nul.json()["spans"]][-1] == "geonames:707292"
    zero_width = http.post("/annotate", json={"text": "Kha\u200brkiv at dawn"}).json()
    assert zero_width["spans"][0]["id"] == "geonames:706483"
    assert http.get("/health").status_code == 200 and server.alive()


def test_lookup_is_the_cli_trace(http):
    body = http.get("/lookup", params={"name": "Kharkov", "label": "gpe"}).json()
    cli = CliRunner().invoke(main, ["gazetteer", "lookup", "Kharkov", "--label", "GPE", "--json"])
    assert cli.exit_code == 0, cli.output
    assert body == json.loads(cli.stdout)
    assert body["result"]["id"] == "geonames:706483"
    assert "label" in error_of(http.get("/lookup", params={"name": "Kharkov", "label": "CITY"}), 400)
    assert "name" in error_of(http.get("/lookup"), 400)
    assert "empty" in error_of(http.get("/lookup", params={"name": "  "}), 400)
    assert "at most" in error_of(http.get("/lookup", params={"name": "k" * 2000}), 413)


def test_unknown_routes_and_methods_are_json(http):
    assert "/nowhere" in error_of(http.get("/nowhere"), 404)
    assert "GET" in error_of(http.get("/annotate"), 405)


def test_cors_on_every_response(http):
    origin = {"origin": "https://openrefine.example"}
    for response in (http.get("/health", headers=origin), http.get("/nowhere", headers=origin),
                     http.post("/annotate", content=b"{", headers=origin)):
        assert response.headers["access-control-allow-origin"] == "*"
    preflight = http.options("/annotate", headers={**origin, "access-control-request-method": "POST",
                                                  "access-control-request-headers": "content-type"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_openapi_docs(http):
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/annotate", "/lookup", "/health", "/reconcile", "/reconcile/preview"} <= set(paths)
    docs = http.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
