"""A real ``entity-normalizer serve`` process on a free loopback port, talked to over HTTP (httpx),
and the Reconciliation API 0.2 JSON schemas (vendored in ``schemas/``, see its LICENSE.md).

Skipped without the serve extra (FastAPI, uvicorn) or the test clients (httpx, jsonschema).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

for module in ("fastapi", "uvicorn", "httpx", "jsonschema", "referencing"):
    pytest.importorskip(module, reason="needs pip install -e '.[serve]' httpx jsonschema")

import httpx  # noqa: E402
from jsonschema import Draft7Validator  # noqa: E402
from referencing import Registry, Resource  # noqa: E402

SCHEMAS = Path(__file__).parent / "schemas"
START_SECONDS = 90.0
_READY = re.compile(r"serving (http://\S+) ")


def command() -> list[str]:
    """The installed ``entity-normalizer`` script of this interpreter's environment, else ``-m normalizer``."""
    script = Path(sys.executable).with_name("entity-normalizer")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "normalizer"]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60.0, **kwargs)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGTERM to the server's process group (its workers too); SIGKILL after 15 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # any worker left behind
        return self.process.returncode


def start(tmp: Path, *args: str, wait: bool = True) -> Server:
    """Start ``entity-normalizer serve --port 0 ARGS`` and wait until /health answers."""
    log = tmp / f"serve-{time.monotonic_ns()}.log"
    with log.open("wb") as err:
        process = subprocess.Popen([*command(), "serve", "--port", "0", *args], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    server = Server(process, "", log)
    if not wait:
        return server
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        found = _READY.search(server.stderr())
        if found and not server.url:
            server.url = found.group(1)
        if server.url:
            try:
                if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}:\n{server.stderr()}")
        time.sleep(0.1)
    server.stop()
    raise AssertionError(f"serve did not answer within {START_SECONDS:.0f} s:\n{server.stderr()}")


@pytest.fixture(scope="module")
def server_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve")


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=_draft7())))
    return Registry().with_resources(resources)


def _draft7():
    from referencing.jsonschema import DRAFT7

    return DRAFT7


REGISTRY = _registry()


def validate(document, schema: str) -> None:
    """Raise unless ``document`` is valid against the 0.2 schema ``schema`` (``manifest``, ...)."""
    contents = json.loads((SCHEMAS / f"{schema}.json").read_text(encoding="utf-8"))
    errors = sorted(Draft7Validator(contents, registry=REGISTRY).iter_errors(document), key=lambda e: e.path)
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
