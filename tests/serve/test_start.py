"""Starting and stopping: refused on a gazetteer error or a port in use (exit 2, a clear message),
several workers sharing one port, the serve extra missing, the server's own safety net."""
from __future__ import annotations

import signal
import socket
import sys

import httpx
import pytest

from normalizer.serve.errors import ServeError

from .conftest import start


def test_a_gazetteer_error_stops_it_before_it_listens(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("- id: place:nowhere\n  name: Nowhere\n  type: planet\n", encoding="utf-8")
    server = start(tmp_path, "--model", "blank:en", "--no-world", "-g", str(broken), wait=False)
    assert server.process.wait(timeout=60) == 2
    stderr = server.stderr()
    assert f"{broken}:3" in stderr and "unknown type" in stderr and "error(s) in the gazetteer" in stderr
    assert "serving" not in stderr
    assert "Traceback" not in stderr


def test_a_port_in_use_is_refused(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = start(tmp_path, "--model", "blank:en", "--no-world", "--no-shipped", "--port", str(port),
                       wait=False)
        assert server.process.wait(timeout=60) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in server.stderr()


def test_two_workers_share_the_port(tmp_path):
    server = start(tmp_path, "--model", "blank:en", "--workers", "2")
    try:
        pids = set()
        for _ in range(60):  # a new connection each time: the kernel hands them to either worker
            body = httpx.get(f"{server.url}/health", timeout=10).json()
            pids.add(body["pid"])
            if len(pids) == 2:
                break
        assert len(pids) == 2 and server.process.pid not in pids
        answer = httpx.post(f"{server.url}/reconcile", data={"queries": '{"q": {"query": "Kharkov"}}'}, timeout=30)
        assert answer.json()["q"]["result"][0]["id"] == "geonames:706483"
    finally:
        code = server.stop()
    assert code == 0, server.stderr()


def test_without_the_serve_extra(monkeypatch):
    from normalizer.serve.run import require_extra

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(ServeError, match=r"entity-normalizer\[serve\]"):
        require_extra()


def test_an_unexpected_error_is_a_json_500_without_its_traceback(caplog):
    import asyncio

    from fastapi import FastAPI

    from normalizer.serve.app import Guard

    app = FastAPI()
    app.add_middleware(Guard)

    @app.get("/boom")
    async def boom():
        raise RuntimeError("secret detail /etc/passwd")

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/boom")

    response = asyncio.run(get())
    assert response.status_code == 500 and response.json()["status"] == 500
    assert "secret" not in response.text and "Traceback" not in response.text
    assert "secret detail" in caplog.text  # the server's log has it


def test_sigterm_and_ctrl_c_stop_it_cleanly(tmp_path):
    for stop in (signal.SIGTERM, signal.SIGINT):
        server = start(tmp_path, "--model", "blank:en", "--no-world")
        server.process.send_signal(stop)
        assert server.process.wait(timeout=30) == 0
        assert server.stderr().rstrip().endswith("stopped") and "Traceback" not in server.stderr()


def test_a_full_queue_is_a_503_and_waiting_jobs_are_batched_in_order(monkeypatch):
    import asyncio
    import threading

    import spacy

    from normalizer.corpus.inputs import Document
    from normalizer.serve import lanes
    from normalizer.serve.errors import ApiError

    gate, batches = threading.Event(), []
    real = lanes.annotate_documents

    def held(nlp, documents, **kwargs):  # the pipeline is busy until the gate opens
        gate.wait(10)
        batches.append([d.id for d in documents])
        return real(nlp, documents, **kwargs)

    monkeypatch.setattr(lanes, "annotate_documents", held)
    annotator = lanes.Annotator(spacy.blank("en"), batch_size=8, max_pending=4, max_pending_chars=1_000)

    async def run() -> list:
        jobs = [asyncio.create_task(annotator.annotate([Document(f"{i}-{j}", "Kyiv.") for j in range(i % 3 + 1)]))
                for i in range(6)]
        await asyncio.sleep(0.2)
        gate.set()
        return await asyncio.gather(*jobs, return_exceptions=True)

    answers = asyncio.run(run())
    assert [i for i, a in enumerate(answers) if isinstance(a, ApiError) and a.status == 503] == [2, 4, 5]
    for i in (0, 1, 3):
        assert [o.document.id for o in answers[i]] == [f"{i}-{j}" for j in range(i % 3 + 1)]
    assert [i for batch in batches for i in batch] == ["0-0", "1-0", "1-1", "3-0"]
    assert len(batches) <= 2  # the jobs that waited went through together
    assert annotator.pending == 0 and annotator.pending_chars == 0
    annotator.close()
