"""Start-up: load and check everything once, bind the socket, then hand over to uvicorn.

One worker (the default): the pipeline is loaded in this process before the socket is bound, so a
gazetteer error, a missing model or a port in use is reported before anything listens. Several
workers (``--workers N``): this process checks the configuration (and builds the world-layer
cache once), binds the socket, and uvicorn's supervisor starts N processes that each load the
pipeline from the options passed in ``ENV_OPTIONS`` and share the socket; a worker that dies is
replaced.
"""
from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import signal
import socket
from collections.abc import Callable, Iterator
from typing import Any

from .errors import ServeError
from .service import ServeOptions

ENV_OPTIONS = "ENTITY_NORMALIZER_SERVE_OPTIONS"
EXTRA_HINT = "install the service's packages with: pip install 'entity-normalizer[serve]'"
log = logging.getLogger("normalizer")


def require_extra() -> None:
    """Raise ServeError when FastAPI or uvicorn is not installed."""
    missing = []
    for module in ("fastapi", "uvicorn"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ServeError(f"{' and '.join(missing)} not installed; {EXTRA_HINT}")


def build_app(options: ServeOptions) -> Any:
    """The ASGI app over a freshly loaded pipeline (its errors raise here, before any request)."""
    from .app import create_app
    from .service import Service

    nlp = options.pipeline.load()
    service = Service(nlp, options=options)
    service.warm_up()
    return create_app(service)


def worker_app() -> Any:
    """uvicorn's factory in a worker process: the options come in ``ENV_OPTIONS``."""
    text = os.environ.get(ENV_OPTIONS)
    if not text:
        raise ServeError(f"{ENV_OPTIONS} is not set: start workers with entity-normalizer serve --workers N")
    return build_app(ServeOptions.from_json(text))


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on host:port (port 0: any free port), or ServeError."""
    try:
        family = socket.AF_INET6 if isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address) else socket.AF_INET
    except ValueError:
        family = socket.AF_INET  # a host name: resolved by bind
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and without
    # it every keep-alive response waits ~40 ms for a delayed ACK (Nagle)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another --port or --host)") \
            from None
    sock.set_inheritable(True)
    return sock


@contextlib.contextmanager
def _stopping() -> Iterator[None]:
    """Ctrl-C and SIGTERM end the server normally: uvicorn shuts down gracefully, then raises the
    signal again, which lands here instead of killing the process (or printing a traceback)."""
    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(options: ServeOptions, *, host: str, port: int, workers: int, access_log: bool = False,
          ready: Callable[[str], None] | None = None) -> None:
    """Load, bind and serve until SIGINT (Ctrl-C) or SIGTERM, then return. ``ready(url)`` is called once
    the socket is bound (with one worker, after the pipeline is loaded). Configuration errors raise
    NormalizerError."""
    require_extra()
    import uvicorn

    settings: dict[str, Any] = {"log_level": "info" if access_log else "warning", "access_log": access_log,
                                "server_header": False, "timeout_keep_alive": 30, "backlog": 2048}
    if workers == 1:
        app = build_app(options)
        sock = bind(host, port)
        if ready is not None:
            ready(url_of(sock))
        with _stopping():
            uvicorn.Server(uvicorn.Config(app, **settings)).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    options.pipeline.check()
    os.environ[ENV_OPTIONS] = options.to_json()
    sock = bind(host, port)
    if ready is not None:
        ready(url_of(sock))
    config = uvicorn.Config("normalizer.serve.run:worker_app", factory=True, workers=workers, **settings)
    Multiprocess(config, sockets=[sock]).run()
