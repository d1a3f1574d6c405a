"""Load on a local ``entity-normalizer serve``: requests/s, p50/p99 latency, errors and memory.

    python bench/serve_load.py [--workers 1,2] [--model NAME] [--concurrency 16] [--reconcile 10000]
                               [--annotate 48] [--time-limit 240]

For each worker count, starts ``entity-normalizer serve --port 0 --workers N`` on 127.0.0.1 (loopback
only), waits for /health, then runs a bounded number of concurrent clients (``--concurrency``, at most
64, each phase also stopped by ``--time-limit``):

* single-name reconciliation: ``POST /reconcile`` with ``queries={"q0": {"query": NAME, "type": T}}``,
  names drawn from the shipped gazetteer (every variant of every entry) and world-layer city names;
  100 requests first, then the server's memory (RSS of its processes), then the timed requests (to
  ``--reconcile`` in all), then the memory again, then the same requests once more and the memory:
  "rss_mb_after_100" vs "rss_mb_after_N" vs "rss_mb_after_2N" (caches fill up to their bounds during
  the first pass; a leak would keep growing in the second);
* annotation of a 600-word invented news article: ``POST /annotate`` with ``{"text": ARTICLE}``,
  in rounds that alternate with the library's own path on the same number of copies of the article
  (``annotate_documents`` in this process, batches of 32, as the CLI runs): "ratio" is the server's
  words/s over the library's, "cpu_ratio" the same per CPU-second (the server's processes against
  this one), which the machine's other load does not move.

Prints one JSON line per phase and worker count. The machine's other load counts: run it on a
quiet machine (the numbers of the README were measured on 2 cores).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MAX_CONCURRENCY = 64
MAX_REQUESTS = 100_000
WARM_REQUESTS = 100
ROUNDS = 4  # alternating rounds of library and server annotation
START_SECONDS = 180.0
_READY = re.compile(r"serving (http://127\.0\.0\.1:\d+) ")

# Invented for this benchmark: the events, the quotes and the people quoted are fiction.
ARTICLE = """\
KHARKIV, Ukraine — The first trains in three weeks pulled into the northern station on Tuesday morning,
carrying engineers, medics and a small delegation from the regional council, after crews repaired a bridge
over the Siverskyi Donets that had been damaged in a strike late last month.

Officials in the Kharkov region said the line to Izium would reopen in stages, with freight first and
passenger services later in the spring. "We want people to come home, but we want them to come home safely,"
said Olena Marchuk, a deputy head of the regional transport office, speaking to reporters on a platform still
marked with sandbags. She said the repair had cost about 40 million hryvnias and had been paid for partly by a
grant from the European Union.

The reopening comes as the governor, Halyna Voloshko, urged residents of villages near the border to remain
cautious. Drones were reported over Kupiansk on Monday night, and air-raid sirens sounded twice in Kharkiv
before dawn. No casualties were reported, the State Emergency Service said in a statement.

In Kyiv, Marta Kovalenko, an adviser in the office of President Volodymyr Zelensky, said that rebuilding
transport links in the east was "a question of dignity as much as of logistics." She thanked partners in
Poland, Germany and the United States for the generators, cranes and rail cars that had arrived since the
winter. The Ministry of Defence of Ukraine said separately that air defences had intercepted most of the
drones launched overnight toward Odesa and Dnipro.

Analysts in London and Warsaw said the repairs showed how the war had shifted toward a contest of endurance
over infrastructure. "Every bridge, every substation, every depot is now part of the front," said Tomasz
Lewandowski, a researcher who studies supply chains in Eastern Europe. He said Russian forces had concentrated
strikes on rail junctions near Lyman and Sloviansk, hoping to slow the movement of equipment from the west.

The mood on the platform in Kharkiv was quieter than celebratory. Petro Hnatiuk, a retired railway worker of
71, had come to see the first train because he had driven the same route for thirty years. "I know every curve
between here and Balakliia," he said. "When they told me the bridge was down, it felt like losing a tooth."
His neighbour, a schoolteacher named Iryna Sokil, said her pupils had drawn pictures of the trains for the
engineers.

Further south, in Zaporizhzhia, the city council said water supplies had been restored to most districts after
a pumping station was repaired. The International Atomic Energy Agency repeated its call for a protection zone
around the nuclear plant at Enerhodar, which remains under Russian control. Its inspectors are expected to
travel to the region next month, according to a spokesperson in Vienna.

In Moscow, a commentator on state television, Gennady Orlik, told viewers that talks with Kiev were "not on
the agenda" and accused Western governments of prolonging the conflict. Russia's Defense Ministry claimed its
forces had taken a village near Bakhmut, a claim that could not be independently verified.

Back in Kharkiv, the regional council plans to open a small museum at the station about the railway workers
who kept trains running during the first months of the war. Marchuk said the exhibition would include a
damaged signal box, letters from drivers and a map of every line that was cut and repaired since 2022. "People
should remember that the trains never really stopped," she said. "Sometimes they were late, sometimes they
went around, but they kept going."

The next train to Izium is scheduled for Friday. Tickets, for now, are free.
"""
WORDS = len(ARTICLE.split())


@dataclass
class Stats:
    """One phase's requests: latencies (s) of those that succeeded, errors, wall time."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def summary(self) -> dict:
        done = len(self.latencies)
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return round(1000 * ordered[min(done - 1, int(p * done))], 1) if done else 0.0

        return {"requests": done + self.errors, "errors": self.errors, "seconds": round(self.seconds, 2),
                "requests_per_s": round((done + self.errors) / self.seconds, 1) if self.seconds else 0.0,
                "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": round(1000 * ordered[-1], 1) if done else 0.0}


def command() -> list[str]:
    script = Path(sys.executable).with_name("entity-normalizer")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "normalizer"]


def start_server(workers: int, model: str | None, log: Path) -> tuple[subprocess.Popen, str]:
    """``entity-normalizer serve`` on a free loopback port; returns once /health answers."""
    args = [*command(), "serve", "--host", "127.0.0.1", "--port", "0", "--workers", str(workers)]
    if model:
        args += ["--model", model]
    with log.open("wb") as err:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                   start_new_session=True)
    deadline, url = time.monotonic() + START_SECONDS, None
    while time.monotonic() < deadline:
        found = _READY.search(log.read_text(encoding="utf-8", errors="replace"))
        url = url or (found.group(1) if found else None)
        if url and _healthy(url, workers):
            return process, url
        if process.poll() is not None:
            raise SystemExit(f"serve exited with {process.returncode}: {log.read_text(encoding='utf-8')}")
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"serve did not start within {START_SECONDS:.0f} s")


def _healthy(url: str, workers: int) -> bool:
    """Every worker answers: as many distinct pids as workers (new connections reach any of them)."""
    pids = set()
    for _ in range(20 * workers):
        try:
            pids.add(httpx.get(f"{url}/health", timeout=5).json()["pid"])
        except (httpx.HTTPError, ValueError, KeyError):
            return False
        if len(pids) == workers:
            return True
    return False


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it that is still there (from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
            children = [int(c) for task in tasks for c in (task / "children").read_text().split()]
        except OSError:
            continue
        found.append(current)
        todo += children
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and every process below it, in MB."""
    total = 0
    for current in process_tree(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        except (OSError, AttributeError):
            continue
    return round(total / 1024, 1)


async def run_clients(url: str, requests: list[bytes], *, concurrency: int, limit_s: float) -> Stats:
    """Send every request (raw HTTP/1.1 bytes) over ``concurrency`` keep-alive connections, stopping at
    the deadline. A minimal client (asyncio streams), so that the client's own work takes as little
    of the machine as it can: httpx would spend about a millisecond of CPU per request."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    stats, queue = Stats(), list(reversed(requests))
    deadline = time.monotonic() + limit_s

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while queue and time.monotonic() < deadline:
                request = queue.pop()
                began = time.perf_counter()
                try:
                    writer.write(request)
                    status, closing = await _response(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    stats.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                    continue
                if status == 200:
                    stats.latencies.append(time.perf_counter() - began)
                else:
                    stats.errors += 1
                if closing:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    stats.seconds = time.perf_counter() - began
    return stats


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response (the service always sends Content-Length): its status, and whether it closes."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() == "close"


def http_post(path: str, body: bytes, content_type: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body


def reconcile_requests(count: int, seed: int = 12) -> list[bytes]:
    """Single-name queries: every variant of every shipped entry (typed), and some world-layer cities."""
    from normalizer.gazetteer.load import load_gazetteer
    from normalizer.gazetteer.names import entry_names
    from normalizer.serve.catalog import coarse_type

    gazetteer = load_gazetteer()
    names = [(v.name, coarse_type(e.type)) for e in gazetteer.entries.values() for v in entry_names(e)]
    names += [(city, "place") for city in ("Toronto", "Lyon", "Nairobi", "Portland", "Cambridge", "Osaka",
                                           "Springfield", "Halifax", "Porto Alegre", "Tbilisi")] * 20
    random.Random(seed).shuffle(names)
    out = []
    for i in range(count):
        name, kind = names[i % len(names)]
        queries = json.dumps({"q0": {"query": name, "type": kind}}, ensure_ascii=False)
        form = urllib.parse.urlencode({"queries": queries}).encode("ascii")
        out.append(http_post("/reconcile", form, "application/x-www-form-urlencoded"))
    return out


def library_words_per_s(nlp, documents: int) -> float:
    """The library's own path on the article: annotate_documents, batches of 32, in this process."""
    from normalizer.corpus.batch import annotate_documents
    from normalizer.corpus.inputs import Document

    began = time.perf_counter()
    for outcome in annotate_documents(nlp, [Document(str(i), ARTICLE) for i in range(documents)]):
        if not outcome.ok:
            raise SystemExit(f"the library failed on the article: {outcome.error}")
    return documents * WORDS / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="comma list of worker counts")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the default English model)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--reconcile", type=int, default=10_000, help="reconciliation requests in all")
    parser.add_argument("--annotate", type=int, default=48, help="annotation requests")
    parser.add_argument("--annotate-concurrency", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=240.0, help="seconds per phase, at most")
    args = parser.parse_args()
    concurrency = max(1, min(args.concurrency, MAX_CONCURRENCY))
    annotate_concurrency = max(1, min(args.annotate_concurrency, MAX_CONCURRENCY))
    total = max(WARM_REQUESTS + 1, min(args.reconcile, MAX_REQUESTS))

    from normalizer import load

    nlp = load(args.model)
    library_words_per_s(nlp, 4)  # warm up
    requests = reconcile_requests(total)
    with tempfile.TemporaryDirectory() as tmp:
        for workers in [int(w) for w in args.workers.split(",")]:
            process, url = start_server(workers, args.model, Path(tmp) / f"serve-{workers}.log")
            try:
                print(json.dumps({"phase": "reconcile", "workers": workers, "concurrency": concurrency,
                                  **reconcile_phase(process, url, requests, concurrency=concurrency,
                                                    limit_s=args.time_limit)}), flush=True)
                documents = max(annotate_concurrency, min(args.annotate, 1_000))
                print(json.dumps({"phase": "annotate", "workers": workers, "concurrency": annotate_concurrency,
                                  "words_per_request": WORDS,
                                  **annotate_phase(process, url, nlp, documents, concurrency=annotate_concurrency,
                                                   limit_s=args.time_limit)}), flush=True)
            finally:
                stop_server(process)


def reconcile_phase(process: subprocess.Popen, url: str, requests: list[bytes], *, concurrency: int,
                    limit_s: float) -> dict:
    """100 requests, memory; the rest, timed, memory; all of them again, memory."""
    asyncio.run(run_clients(url, requests[:WARM_REQUESTS], concurrency=concurrency, limit_s=60))
    before = rss_mb(process.pid)
    stats = asyncio.run(run_clients(url, requests[WARM_REQUESTS:], concurrency=concurrency, limit_s=limit_s))
    after = rss_mb(process.pid)
    again = asyncio.run(run_clients(url, requests, concurrency=concurrency, limit_s=limit_s))
    done = WARM_REQUESTS + len(stats.latencies) + stats.errors
    return {**stats.summary(), f"rss_mb_after_{WARM_REQUESTS}": before, f"rss_mb_after_{done}": after,
            f"rss_mb_after_{done + len(again.latencies) + again.errors}": rss_mb(process.pid),
            "second_pass": again.summary()}


def annotate_phase(process: subprocess.Popen, url: str, nlp, documents: int, *, concurrency: int,
                   limit_s: float, rounds: int = ROUNDS) -> dict:
    """The article over HTTP and through the library, in alternating rounds of the same size (so that
    the machine's other load falls on both alike): words/s of each by wall time, and words per
    CPU-second (the server's processes' CPU time; the library's: this process's)."""
    article = json.dumps({"text": ARTICLE}, ensure_ascii=False).encode("utf-8")
    per_round = max(concurrency, documents // rounds)
    body = [http_post("/annotate", article, "application/json")] * per_round
    asyncio.run(run_clients(url, body[:concurrency], concurrency=concurrency, limit_s=60))  # warm up
    served, library = Stats(), {"seconds": 0.0, "cpu": 0.0, "words": 0}
    server_cpu = 0.0
    deadline = time.monotonic() + limit_s
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        cpu, began = time.process_time(), time.perf_counter()
        library_words_per_s(nlp, per_round)
        library["seconds"] += time.perf_counter() - began
        library["cpu"] += time.process_time() - cpu
        library["words"] += per_round * WORDS
        cpu = cpu_seconds(process.pid)
        stats = asyncio.run(run_clients(url, body, concurrency=concurrency, limit_s=limit_s))
        server_cpu += cpu_seconds(process.pid) - cpu
        served.latencies += stats.latencies
        served.errors += stats.errors
        served.seconds += stats.seconds
    words = len(served.latencies) * WORDS
    rate, library_rate = words / served.seconds, library["words"] / library["seconds"]
    per_cpu, library_per_cpu = words / server_cpu, library["words"] / library["cpu"]
    return {**served.summary(), "words_per_s": round(rate), "library_words_per_s": round(library_rate),
            "ratio": round(rate / library_rate, 3), "words_per_cpu_s": round(per_cpu),
            "library_words_per_cpu_s": round(library_per_cpu), "cpu_ratio": round(per_cpu / library_per_cpu, 3),
            "rss_mb": rss_mb(process.pid)}


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` and every process below it."""
    total = 0
    for current in process_tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
