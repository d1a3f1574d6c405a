"""/reconcile as OpenRefine uses it, over HTTP against a real server, every answer validated against
the Reconciliation Service API 0.2 JSON schemas."""
from __future__ import annotations

import json

import pytest

from .conftest import start, validate

KHARKIV = "geonames:706483"


@pytest.fixture(scope="module")
def server(server_tmp):
    running = start(server_tmp, "--model", "blank:en", "--max-documents", "50")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def http(server):
    with server.client() as client:
        yield client


def reconcile(http, queries: dict, *, how: str = "form") -> dict:
    if how == "form":
        response = http.post("/reconcile", data={"queries": json.dumps(queries)})
    elif how == "get":
        response = http.get("/reconcile", params={"queries": json.dumps(queries)})
    else:
        response = http.post("/reconcile", json=queries)
    assert response.status_code == 200, response.text
    body = response.json()
    validate(body, "reconciliation-result-batch")
    return body


def top(body: dict, key: str) -> dict:
    return body[key]["result"][0]


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    return response.json()["error"]


def test_manifest(http, server):
    manifest = http.get("/reconcile").json()
    validate(manifest, "manifest")
    assert manifest["versions"] == ["0.2"]
    assert [t["id"] for t in manifest["defaultTypes"]] == ["person", "organization", "place"]
    assert manifest["view"]["url"] == f"{server.url}/entity/{{{{id}}}}"
    assert manifest["preview"]["url"].startswith(f"{server.url}/reconcile/preview?id=")
    assert set(manifest["suggest"]) == {"entity", "type", "property"}
    assert manifest["extend"]["propose_properties"]["service_path"] == "/reconcile/properties"
    assert manifest["batchSize"] == 50
    jsonp = http.get("/reconcile", params={"callback": "cb_1"})
    assert jsonp.headers["content-type"].startswith("application/javascript")
    assert json.loads(jsonp.text.removeprefix("/**/cb_1(").removesuffix(");")) == manifest
    assert "callback" in error_of(http.get("/reconcile", params={"callback": "alert(1)//"}), 400)


@pytest.mark.parametrize("how", ["form", "get", "json"])
def test_one_city_four_spellings_one_id(http, how):
    table = {f"q{i}": {"query": name, "type": "place"} for i, name in enumerate(["Kharkov", "Kharkiv", "Харків",
                                                                                   "Charkiw"])}
    validate(table, "reconciliation-query-batch")
    body = reconcile(http, table, how=how)
    assert [top(body, key)["id"] for key in table] == [KHARKIV] * 4
    assert all(top(body, key)["match"] is True and top(body, key)["score"] >= 85 for key in table)
    assert {"id": "city", "name": "City"} in top(body, "q0")["type"]


def test_json_body_with_queries_and_single_queries(http):
    wrapped = http.post("/reconcile", json={"queries": {"a": {"query": "Kharkov"}}}).json()
    assert top(wrapped, "a")["id"] == KHARKIV
    one = http.get("/reconcile", params={"query": "Izyum"}).json()
    assert one["result"][0]["id"] == "geonames:707292"
    typed = http.get("/reconcile", params={"query": json.dumps({"query": "Austin", "type": "person"})}).json()
    assert typed["result"][0]["id"] == "person:lloyd-austin"
    plain = http.get("/reconcile", params={"query": "Austin", "type": "place", "limit": "2"}).json()
    assert len(plain["result"]) <= 2 and all(c["id"] != "person:lloyd-austin" for c in plain["result"])


def test_known_wrong_pairs_never_match(http):
    table = {"donets": ({"query": "Donets", "type": "place"}, "geonames:709717"),
             "donetsk": ({"query": "Donetsk", "type": "place"}, "place:siverskyi-donets"),
             "kyivstar": ({"query": "Kyivstar", "type": "organization"}, "geonames:703448"),
             "kyivstar_place": ({"query": "Kyivstar", "type": "place"}, "geonames:703448"),
             "austin": ({"query": "Austin", "type": "person"}, "geonames:4671654"),
             "austin_city": ({"query": "Austin", "type": "place"}, "person:lloyd-austin")}
    body = reconcile(http, {key: query for key, (query, _) in table.items()})
    for key, (_, wrong) in table.items():
        assert not any(c["id"] == wrong and c["match"] for c in body[key]["result"]), key
    assert not any(c["match"] for c in body["austin_city"]["result"])  # Austin, Texas has many namesakes


def test_types_limit_and_properties(http):
    body = reconcile(http, {
        "plain": {"query": "Defense Ministry", "type": "organization"},
        "ru": {"query": "Defense Ministry", "type": "organization",
               "properties": [{"pid": "country", "v": "RU"}]},
        "ua": {"query": "Defense Ministry", "properties": [{"pid": "country", "v": "Ukraine"}]},
        "us_paris": {"query": "Paris", "type": "place", "properties": [{"pid": "country", "v": ["US"]}]},
        "unknown_country": {"query": "Kharkiv", "properties": [{"pid": "country", "v": "Atlantis"}]},
        "parent": {"query": "Izium", "type": "town", "properties": [{"pid": "parent", "v": "Kharkiv Oblast"}]},
        "wrong_parent": {"query": "Izium", "properties": [{"pid": "parent", "v": "Donetsk Oblast"}]},
        "limit": {"query": "Springfield", "type": "place", "limit": 3},
        "region": {"query": "Kharkiv", "type": "region"},
    })
    assert not any(c["match"] for c in body["plain"]["result"])  # a generic name needs a country
    assert top(body, "ru")["id"] == "org:ministry-of-defence-russia" and top(body, "ru")["match"]
    assert top(body, "ua")["id"] == "org:ministry-of-defence-ukraine" and top(body, "ua")["match"]
    assert all(c["id"] != "geonames:2988507" for c in body["us_paris"]["result"])  # not Paris, France
    assert body["us_paris"]["result"] and "Place" in str(top(body, "us_paris")["type"])
    assert not any(c["match"] for c in body["unknown_country"]["result"])
    assert top(body, "parent")["id"] == "geonames:707292" and top(body, "parent")["match"]
    assert not any(c["match"] for c in body["wrong_parent"]["result"])
    assert len(body["limit"]["result"]) == 3
    assert all(c["type"][0]["id"] == "region" for c in body["region"]["result"])


def test_an_id_as_query_finds_its_entity(http):
    body = reconcile(http, {"q": {"query": KHARKIV}, "w": {"query": "geonames:5128581"}})
    assert top(body, "q")["id"] == KHARKIV and top(body, "q")["match"]
    assert top(body, "w")["name"] == "New York City"


@pytest.mark.parametrize(("queries", "status", "says"), [
    ("{not json", 400, "not valid JSON"),
    ('["Kharkov"]', 400, "JSON object of queries"),
    ('{"q0": 5}', 400, "query 'q0'"),
    ('{"q0": {"query": ""}}', 400, "non-empty"),
    ('{"q0": {"query": "Kyiv", "type": "planet"}}', 400, "unknown type 'planet'"),
    ('{"q0": {"query": "Kyiv", "properties": [{"pid": "P17", "v": "UA"}]}}', 400, "unknown property 'P17'"),
    ('{"q0": {"query": "Kyiv", "properties": [{"pid": "country"}]}}', 400, "pid"),
    ('{"q0": {"query": "Kyiv", "limit": 0}}', 400, "positive"),
    ('{"q0": {"query": "Kyiv", "limt": 3}}', 400, "unknown field"),
    ('{"q0": {"query": "Kyiv", "type_strict": "maybe"}}', 400, "type_strict"),
    ('{"q0": {"query": "' + "k" * 2000 + '"}}', 413, "at most"),
    (json.dumps({f"q{i}": {"query": "Kyiv"} for i in range(51)}), 413, "batchSize"),
])
def test_bad_batches(http, queries, status, says):
    assert says in error_of(http.post("/reconcile", data={"queries": queries}), status)


def test_bad_requests(http):
    assert "one of" in error_of(http.post("/reconcile", data={"queries": "{}", "extend": "{}"}), 400)
    assert "unknown parameter" in error_of(http.get("/reconcile", params={"querys": "x"}), 400)
    multipart = http.post("/reconcile", files={"queries": ("q.json", b"{}")})
    assert "x-www-form-urlencoded" in error_of(multipart, 415)
    assert http.get("/reconcile", params={"queries": "{}"}).json() == {}


def test_suggest(http):
    entities = http.get("/reconcile/suggest/entity", params={"prefix": "khar"}).json()
    validate(entities, "suggest-entities-response")
    assert entities["result"][0]["id"] == KHARKIV
    by_word = http.get("/reconcile/suggest/entity", params={"prefix": "Austin", "type": "person"}).json()
    assert [e["id"] for e in by_word["result"]] == ["person:lloyd-austin"]
    by_id = http.get("/reconcile/suggest/entity", params={"prefix": KHARKIV}).json()
    assert by_id["result"][0]["id"] == KHARKIV
    page = http.get("/reconcile/suggest/entity", params={"prefix": "k", "cursor": 3, "limit": 2}).json()
    first = http.get("/reconcile/suggest/entity", params={"prefix": "k", "limit": 5}).json()
    assert page["result"] == first["result"][3:5]
    types = http.get("/reconcile/suggest/type", params={"prefix": "ci"}).json()
    validate(types, "suggest-types-response")
    assert [t["id"] for t in types["result"]] == ["city"]
    properties = http.get("/reconcile/suggest/property", params={"prefix": "c"}).json()
    validate(properties, "suggest-properties-response")
    assert [p["id"] for p in properties["result"]] == ["country"]
    assert "cursor" in error_of(http.get("/reconcile/suggest/entity", params={"prefix": "k", "cursor": "x"}), 400)
    assert "unknown type" in error_of(http.get("/reconcile/suggest/entity", params={"prefix": "k", "type": "x"}),
                                      400)


def test_preview_and_view(http):
    card = http.get("/reconcile/preview", params={"id": KHARKIV})
    assert card.status_code == 200 and card.headers["content-type"].startswith("text/html")
    assert "<h1>Kharkiv</h1>" in card.text and "<svg" in card.text and "<script" not in card.text
    person = http.get("/reconcile/preview", params={"id": "person:lloyd-austin"}).text
    assert "Lloyd Austin" in person and "<svg" not in person
    missing = http.get("/reconcile/preview", params={"id": "<b>nope</b>"})
    assert missing.status_code == 404 and "&lt;b&gt;nope&lt;/b&gt;" in missing.text
    page = http.get(f"/entity/{KHARKIV}")
    assert page.status_code == 200 and "https://www.geonames.org/706483" in page.text and "Charkiw" in page.text


def test_data_extension(http):
    proposal = http.get("/reconcile/properties", params={"type": "place"}).json()
    validate(proposal, "data-extension-property-proposal")
    assert {"name", "type", "country", "parent", "lat", "lon", "geonames", "variants"} <= {
        p["id"] for p in proposal["properties"]}
    query = {"ids": [KHARKIV, "person:lloyd-austin", "geonames:1"],
             "properties": [{"id": p} for p in ("name", "type", "country", "parent", "lat", "lon", "geonames")]
             + [{"id": "variants", "settings": {"generated": True}}]}
    validate(query, "data-extension-query")
    body = http.post("/reconcile", data={"extend": json.dumps(query)}).json()
    validate(body, "data-extension-response")
    row = body["rows"][KHARKIV]
    assert row["name"] == [{"str": "Kharkiv"}] and row["type"] == [{"str": "city"}]
    assert row["country"] == [{"id": "geonames:690791", "name": "Ukraine"}]
    assert row["parent"] == [{"id": "place:kharkiv-oblast", "name": "Kharkiv Oblast"}]
    assert row["geonames"] == [{"str": "706483"}] and isinstance(row["lat"][0]["float"], float)
    assert {"str": "Charkiw"} in row["variants"]
    assert body["rows"]["person:lloyd-austin"]["country"] == [{"id": "geonames:6252001", "name": "United States"}]
    assert body["rows"]["geonames:1"]["name"] == []
    assert "unknown property" in error_of(http.get("/reconcile", params={
        "extend": json.dumps({"ids": [KHARKIV], "properties": [{"id": "population"}]})}), 400)


def test_cors(http):
    response = http.post("/reconcile", data={"queries": "{}"}, headers={"origin": "http://127.0.0.1:3333"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = http.options("/reconcile", headers={"origin": "http://x", "access-control-request-method": "POST"})
    assert preflight.status_code == 200


def test_hostile_queries_get_a_4xx_or_a_result(http, server):
    five_mb = json.dumps({"q0": {"query": "Kharkiv " * 650_000}})
    assert "at most" in error_of(http.post("/reconcile", data={"queries": five_mb}), 413)
    deep = '{"q0": ' * 50_000 + "{}" + "}" * 50_000
    assert "deep" in error_of(http.post("/reconcile", data={"queries": deep}), 400)
    lone = http.post("/reconcile", data={"queries": '{"q0": {"query": "Khar\\ud800kiv"}, "q1": {"query": "\\udfff"}}'})
    assert lone.status_code == 200
    validate(lone.json(), "reconciliation-result-batch")
    nul = http.post("/reconcile", data={"queries": json.dumps({"q0": {"query": "Kharkiv\u0000"}})})
    assert nul.status_code == 200 and top(nul.json(), "q0")["id"] == KHARKIV
    zero_width = http.get("/reconcile/suggest/entity", params={"prefix": "Kha\u200brk"}).json()
    assert zero_width["result"][0]["id"] == KHARKIV
    broken_utf8 = http.post("/reconcile", content=b"queries=%7B%22q%22%3A%7B%22query%22%3A%22\xff%22%7D%7D",
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert broken_utf8.status_code == 400
    assert http.get("/health").status_code == 200 and server.alive()
