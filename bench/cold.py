"""The first request after a cold start, beside the same page warm (issue 12).

For each main page (office page, service page, booking page, flyer PDF, call display, kiosk, a
staff page signed in) this starts the application server afresh as `scripts/run-bench` does
(granian, WSGI, one worker, so the first request of the page is the worker's first of it, with
a PDF cache of its own, empty), waits for /healthz, times one GET of the page (cold) and then
WARM_ROUNDS more (warm: their median), and stops the server. Prints figure, value, ceiling
(= the page warm), ratio, target (HTML ≤ 1 s cold) and pass/FAIL, and writes JSON to
bench/results/cold-<UTC time>.json.

Run by `scripts/run-bench` after the server phases, with its environment (DATABASE_URL, Redis,
bench settings) and its seed (`--office`, `--visits`); standalone the same way with those set.
`--without-warm-up` also measures every page with SCHALTER_WARM_UP=off, to see what it saves."""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.load import RESULTS, Figure, table

ROOT = Path(__file__).resolve().parents[1]
GRANIAN = ROOT / ".venv" / "bin" / "granian"
WARM_ROUNDS = 5
HTML_TARGET_S = 1.0
START_TIMEOUT_S = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, cookie: str = "") -> tuple[int, float, int]:
    """Status, seconds to the whole answer, and its size."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1", "Accept-Language": "de"}
    if cookie:
        headers["Cookie"] = cookie
    began = time.perf_counter()
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    body = answer.read()
    took = time.perf_counter() - began
    connection.close()
    return answer.status, took, len(body)


def start_server(port: int, warm_up: bool, pdf_cache: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "SCHALTER_WARM_UP": "on" if warm_up else "off",
        "SCHALTER_PDF_CACHE_DIR": pdf_cache,
    }
    environment.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    server = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
        [
            str(GRANIAN),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", "1", "--blocking-threads", "16", "--no-ws", "--log-level", "error"),
            "bench.wsgi:application",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError("granian did not start: " + (server.stderr.read() or b"").decode())
        time.sleep(0.1)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def measure(name: str, path: str, cookie: str, warm_up: bool) -> dict:
    """One server start: the page's first request, then WARM_ROUNDS more."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="schalter-cold-pdf-") as pdf_cache:
        began = time.perf_counter()
        server = start_server(port, warm_up, pdf_cache)
        started = time.perf_counter() - began
        try:
            status, cold, size = get(port, path, cookie)
            warm = [get(port, path, cookie)[1] for _ in range(WARM_ROUNDS)]
        finally:
            stop_server(server)
    return {
        "page": name,
        "path": path,
        "status": status,
        "bytes": size,
        "warm_up": warm_up,
        "start_s": round(started, 3),
        "cold_s": round(cold, 4),
        "warm_s": round(statistics.median(warm), 4),
    }


def pages(office: str, service: str, visits: dict) -> list[tuple[str, str, str]]:
    """(name, path, cookie) of each main page."""
    day_office = visits["office"]
    kiosk = visits["kiosks"][0]
    return [
        ("office page", f"/de/{office}/", ""),
        ("service page", f"/de/{office}/services/{service}/", ""),
        ("booking page", f"/de/{office}/book/{service}/", ""),
        ("flyer PDF", f"/de/{office}/services/{service}/flyer.pdf", ""),
        ("display", f"/{day_office}/display/{visits['screens'][0]}/", ""),
        ("kiosk", f"/{day_office}/kiosk/{kiosk['kiosk']}/", kiosk["cookie"]),
        ("staff desk page", f"/staff/{day_office}/desk/", visits["staff"][0]["cookie"]),
    ]


def figures_of(results: list[dict]) -> list[Figure]:
    figures = []
    for r in results:
        html = not r["path"].endswith(".pdf")
        label = f"{r['page']} cold" + ("" if r["warm_up"] else " (no warm-up)")
        passed = (r["status"] == 200 and r["cold_s"] <= HTML_TARGET_S) if html else None
        figures.append(
            Figure(
                label,
                r["cold_s"],
                "s",
                r["warm_s"],
                "warm",
                f"≤ {HTML_TARGET_S:g} s" if html else "",
                passed if r["warm_up"] else None,
            )
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--office", required=True, help="the booking office's slug (bench.seed)")
    parser.add_argument("--service", default="card-pick-up", help="a service slug it offers")
    parser.add_argument("--visits", required=True, help="the day-of-visit data bench.seed wrote")
    parser.add_argument("--without-warm-up", action="store_true", help="also measure with it off")
    parser.add_argument("--pages", default="", help="only these pages, e.g. 'display,kiosk'")
    args = parser.parse_args()
    visits = json.loads(Path(args.visits).read_text())
    results = []
    for warm_up in (True, False) if args.without_warm_up else (True,):
        for name, path, cookie in pages(args.office, args.service, visits):
            if args.pages and not any(p.strip() in name for p in args.pages.split(",")):
                continue
            result = measure(name, path, cookie, warm_up)
            print(
                f" {name}: {result['status']}, cold {result['cold_s']:.3f} s, "
                f"warm {result['warm_s']:.3f} s, start {result['start_s']:.1f} s",
                file=sys.stderr,
            )
            results.append(result)
    figures = figures_of(results)
    print(table(figures))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"cold-{stamp}.json"
    out.write_text(
        json.dumps({"pages": results, "figures": [f.as_dict() for f in figures]}, indent=1) + "\n"
    )
    print(f"results: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
