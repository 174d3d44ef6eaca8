"""The load generator of `make bench`: runs every phase over HTTP against the server that
scripts/run-bench started, measures the ceilings in the same run, checks the database for
overbookings, prints a table and writes JSON to bench/results/. Phases come in groups
(`--phases`): booking (hello and bare_booking ceilings, availability, rush, hot slot, overload),
fanout (a call reaching 1,000 WebSockets, against the raw fan-out ceiling) and tickets (kiosk
and desk operations, against the bare_booking ceiling; see bench/live.py).

    python -m bench.load --port 8000 --office bench-office --service 1 --server-pid PID

Exit status: 0 when the bench ran (missed targets are reported, not fatal); 1 when it broke."""

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import resource
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench import live
from bench.client import Connection, PhaseResult, run_phase
from schalter.appointments.challenge_solver import solve_for_tests

RESULTS = Path(__file__).resolve().parent / "results"
PHASE_GROUPS = ("booking", "fanout", "tickets", "pdf", "antibot")


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    ceiling: float | None = None
    ceiling_name: str = ""
    target: str = ""
    passed: bool | None = None  # None: informational

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.ceiling:
            return None
        return self.value / self.ceiling

    def as_dict(self) -> dict:
        return {
            "figure": self.name,
            "value": self.value,
            "unit": self.unit,
            "ceiling": self.ceiling,
            "ceiling_name": self.ceiling_name,
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "target": self.target,
            "passed": self.passed,
        }


# ---------------------------------------------------------------------------- server processes


def processes_with_parents() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process this machine shows in /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces; the fields after its closing bracket do not.
        found.append((int(entry.name), int(stat.rsplit(")", 1)[1].split()[1])))
    return found


def server_pids(main_pid: int) -> list[int]:
    """The granian main process and its workers (direct children)."""
    children = [pid for pid, parent in processes_with_parents() if parent == main_pid]
    return [main_pid, *sorted(children)]


def descendants(pids: list[int]) -> list[int]:
    """Processes started by any of `pids` (the render processes of the app's workers)."""
    parents = set(pids)
    return sorted(
        pid for pid, parent in processes_with_parents() if parent in parents and pid not in parents
    )


def proc_status_kib(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------------------------- the bench


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.host, self.port = "127.0.0.1", args.port
        self.pids = server_pids(args.server_pid)
        self.asgi_pids = server_pids(args.asgi_pid) if args.asgi_pid else []
        self.raw_pids = server_pids(args.raw_pid) if args.raw_pid else []
        self.visits = json.loads(Path(args.visits).read_text()) if args.visits else {}
        self.selected = {p.strip() for p in args.phases.split(",") if p.strip()}
        self.phases: dict[str, dict] = {}
        self.figures: list[Figure] = []
        self.rng = random.Random(20261125)
        self.today = date.today()  # noqa: DTZ011 - the server's local day is what we book in

    async def phase(
        self, name: str, *, port: int | None = None, pids: list[int] | None = None, **kwargs
    ) -> PhaseResult:
        """A phase against the application server (or the one on `port`, whose processes are
        `pids`): its figures go to self.phases[name]."""
        pids = self.pids if pids is None else pids
        print(f"  {name} ...", end="", flush=True, file=sys.stderr)
        cpu_server, cpu_client = cpu_seconds(pids), own_cpu_seconds()
        result = await run_phase(name, host=self.host, port=port or self.port, **kwargs)
        server_cores = (cpu_seconds(pids) - cpu_server) / result.duration
        client_cores = (own_cpu_seconds() - cpu_client) / result.duration
        p = result.percentile
        self.phases[name] = {
            "connections": result.connections,
            "requests": len(result.samples),
            "duration_s": round(result.duration, 3),
            "statuses": result.statuses(),
            "errors": dict(result.errors),
            "requests_per_s": round(len(result.samples) / result.duration, 1),
            "latency_ms": {
                q: None if p(v) is None else round(p(v) * 1000, 1)
                for q, v in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))
            },
            "latency_ms_by_status": {
                status: {
                    q: round(p(v, int(status)) * 1000, 1)
                    for q, v in (("p50", 0.5), ("p99", 0.99), ("max", 1.0))
                }
                for status in result.statuses()
                if status != "error"
            },
            "server_cpu_cores": round(server_cores, 2),
            "load_generator_cpu_cores": round(client_cores, 2),
        }
        print(
            f" {len(result.samples)} requests in {result.duration:.1f} s {result.statuses()}",
            file=sys.stderr,
        )
        return result

    # -- helpers

    def availability_path(self, first: date, last: date) -> str:
        return (
            f"/api/v1/offices/{self.args.office}/availability"
            f"?service={self.args.service}&start={first.isoformat()}&end={last.isoformat()}"
        )

    def booking_request(self, start: str, tag: str, n: int):
        body = {
            "service": self.args.service,
            "start": start,
            "name": f"Bench Client {tag} {n}",
            "email": f"{tag}-{n}@bench.example",
            "language": "de",
        }
        return (
            "POST",
            f"/api/v1/offices/{self.args.office}/appointments",
            json.dumps(body).encode(),
        )

    async def fetch(self, path: str, port: int | None = None) -> dict:
        connection = Connection(self.host, port or self.port)
        try:
            status, _headers, body = await connection.request("GET", path)
        finally:
            connection.close()
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
        return json.loads(body)

    def verify(self) -> dict:
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.verify", "--office", self.args.office],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout)

    # -- phases

    async def run(self) -> dict:
        details: dict = {}
        hello = bare = None
        if self.selected & {"booking", "tickets"}:
            hello, bare = await self.ceilings()
        if "booking" in self.selected:
            assert hello is not None and bare is not None
            details |= await self.booking(hello, bare)
        if "fanout" in self.selected:
            details["fanout"] = await self.fanout()
        if "tickets" in self.selected:
            assert bare is not None
            details["tickets"] = await self.tickets(bare)
        if "pdf" in self.selected:
            details["pdf"] = await self.pdf()
        if "antibot" in self.selected:
            details["antibot"] = await self.antibot(hello)
        details["phases_run"] = [p for p in PHASE_GROUPS if p in self.selected]
        return details

    async def ceilings(self) -> tuple[PhaseResult, PhaseResult]:
        a = self.args
        hello = await self.phase(
            "hello",
            connections=a.availability_connections,
            make_request=lambda n: ("GET", "/bench/hello", None),
            duration=a.seconds,
        )
        bare = await self.phase(
            "bare_booking",
            connections=a.rush_clients,
            make_request=lambda n: (
                "POST",
                "/bench/bare-booking",
                json.dumps(
                    {"slot": 1 + self.rng.randrange(a.rush_slots), "email": f"bare-{n}@x"}
                ).encode(),
            ),
            duration=a.seconds,
        )
        return hello, bare

    async def booking(self, hello: PhaseResult, bare: PhaseResult) -> dict:
        a = self.args
        window = min(a.days, 92)
        slots = (
            await self.fetch(self.availability_path(self.today, self.today + timedelta(window)))
        )["slots"]
        needed = a.rush_slots + a.overload_slots + 10
        if len(slots) < needed:
            raise RuntimeError(f"only {len(slots)} free slots, the bench needs {needed}")
        starts = [s["start"] for s in slots]
        rush_slots = starts[: a.rush_slots]
        stale_slots = starts[a.rush_slots : a.rush_slots + 3]
        hot_slot = starts[a.rush_slots + 5]
        overload_slots = starts[a.rush_slots + 10 : a.rush_slots + 10 + a.overload_slots]
        print(f"{len(starts)} free slots; rush on {len(rush_slots)}", file=sys.stderr)

        # Availability, then how stale it can be.
        week = self.availability_path(self.today, self.today + timedelta(days=7))
        availability = await self.phase(
            "availability",
            connections=a.availability_connections,
            make_request=lambda n: ("GET", week, None),
            duration=a.seconds,
        )
        staleness = [await self.staleness(start) for start in stale_slots]

        # The rush, with memory sampled throughout.
        peak_rss: dict[int, int] = {}
        sampling = asyncio.create_task(self.sample_rss(peak_rss))
        rush = await self.phase(
            "rush",
            connections=a.rush_clients,
            make_request=lambda n: self.booking_request(self.rng.choice(rush_slots), "rush", n),
            total=a.rush_attempts,
            duration=a.rush_max_seconds,
        )
        sampling.cancel()
        memory = {
            str(pid): {
                "role": "main" if pid == a.server_pid else "worker",
                "vm_hwm_mb": round((proc_status_kib(pid, "VmHWM") or 0) / 1024, 1),
                "rss_peak_sampled_mb": round(peak_rss.get(pid, 0) / 1024, 1),
            }
            for pid in self.pids
        }
        after_rush = self.verify()

        hot = await self.phase(
            "hot_slot",
            connections=a.hot_clients,
            make_request=lambda n: self.booking_request(hot_slot, "hot", n),
            total=a.hot_attempts,
            duration=a.rush_max_seconds,
        )
        overload = await self.phase(
            "overload",
            connections=a.overload_connections,
            make_request=lambda n: self.booking_request(
                self.rng.choice(overload_slots), "overload", n
            ),
            duration=a.overload_seconds,
            timeout=a.overload_timeout,
            connect_first=False,
        )
        final = self.verify()
        self.collect(
            hello, bare, availability, staleness, rush, memory, after_rush, hot, overload, final
        )
        return {
            "memory": memory,
            "staleness_s": staleness,
            "verify_after_rush": after_rush,
            "verify_at_end": final,
        }

    async def staleness(self, start: str) -> float:
        """Seconds after a booking's 201 during which availability still showed the old count:
        several pollers (so both workers answer) watch the slot's day before and after."""
        day = datetime.fromisoformat(start).date()
        path = self.availability_path(day, day)
        observations: list[tuple[float, float, int]] = []  # sent, received, available
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        async def poll() -> None:
            connection = Connection(self.host, self.port)
            while not stop.is_set():
                sent = loop.time()
                status, _h, body = await connection.request("GET", path)
                if status == 200:
                    free = {s["start"]: s["available"] for s in json.loads(body)["slots"]}
                    observations.append((sent, loop.time(), free.get(start, 0)))
                await asyncio.sleep(0.005)
            connection.close()

        pollers = [asyncio.create_task(poll()) for _ in range(8)]
        await asyncio.sleep(1.5)  # both workers' caches hold the old answer now
        before = min(o[2] for o in observations if o[0] > loop.time() - 0.5)
        connection = Connection(self.host, self.port)
        method, url, body = self.booking_request(start, "stale", int(loop.time() * 1000))
        status, _h, answer = await connection.request(method, url, body)
        connection.close()
        booked = loop.time()
        if status != 201:
            raise RuntimeError(f"staleness booking answered {status}: {answer[:300]!r}")
        await asyncio.sleep(2.5)
        stop.set()
        await asyncio.gather(*pollers)
        stale = [
            received - booked
            for sent, received, free in observations
            if sent > booked and free >= before
        ]
        return round(max(stale, default=0.0), 3)

    async def sample_rss(self, peak: dict[int, int]) -> None:
        while True:
            for pid in self.pids:
                rss = proc_status_kib(pid, "VmRSS") or 0
                peak[pid] = max(peak.get(pid, 0), rss)
            await asyncio.sleep(0.25)

    # -- the day of the visit

    def row(self, name, value, unit, ceiling=None, ceiling_name="", target="", passed=None):
        self.figures.append(Figure(name, value, unit, ceiling, ceiling_name, target, passed))

    def desk_headers(self, cookie: str) -> dict[str, str]:
        return {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}

    async def fanout(self) -> dict:
        """A call through the real desk page, to every display (and phone) connected to the
        application's ASGI server; then the same number of frames of the same size through the
        raw fan-out app. Latency per (call, socket): from sending the call to the frame."""
        a, v = self.args, self.visits
        office = v["office"]
        screens = v["screens"]
        phones_wanted = a.phones
        if phones_wanted is None:  # as many phones as displays, if the ticket socket exists
            probe = f"/ws/{office}/ticket/{v['waiting_tokens'][-1]}/"
            phones_wanted = (
                a.sockets // 2 if await live.accepted(self.host, a.ws_port, probe) else 0
            )
        displays = a.sockets - phones_wanted
        phones = v["waiting_tokens"][-phones_wanted:] if phones_wanted else []
        paths = [f"/ws/{office}/display/{screens[i % len(screens)]}/" for i in range(displays)] + [
            f"/ws/{office}/ticket/{token}/" for token in phones
        ]
        callers = v["staff"][a.ticket_desks :]
        if len(callers) < a.fanout_rounds:
            raise RuntimeError(f"{len(callers)} desks for {a.fanout_rounds} calls")
        desk = f"/staff/{office}/desk/"
        body = f"action=call_next&csrfmiddlewaretoken={v['csrf']}".encode()
        http = Connection(self.host, self.port)

        async def warm() -> None:
            # The desk page once (a read: nothing is called) on the connection the calls use,
            # so that the first call does not pay for its worker's first staff page: imports,
            # templates, a database connection (about 0.7 s, which one call of 50 turns into
            # the p99 of every socket). Production's workers are long warm.
            await http.request("GET", desk, None, self.desk_headers(callers[0]["cookie"]))

        async def call(r: int) -> bool:
            headers = self.desk_headers(callers[r]["cookie"])
            status, _h, _b = await http.request("POST", desk, body, headers)
            return status == 302

        print(f"  fanout ({len(paths)} sockets) ...", end="", flush=True, file=sys.stderr)
        cpu = [cpu_seconds(p) for p in (self.pids, self.asgi_pids, self.raw_pids)]
        client_cpu = own_cpu_seconds()
        real = await live.fanout(
            "fanout",
            host=self.host,
            port=a.ws_port,
            paths=paths,
            trigger=call,
            before_rounds=warm,
            rounds=a.fanout_rounds,
            interval=a.fanout_interval,
        )
        http.close()
        used = [
            cpu_seconds(p) - c
            for p, c in zip((self.pids, self.asgi_pids, self.raw_pids), cpu, strict=True)
        ]
        real_client = own_cpu_seconds() - client_cpu
        print(f" p99 {real.percentile(0.99)}; raw ...", end="", flush=True, file=sys.stderr)

        raw_http = Connection(self.host, a.raw_port)
        pad = max(0, real.frame_bytes or 300)

        async def warm_raw() -> None:
            await raw_http.request("GET", "/healthz")

        async def publish(r: int) -> bool:
            head = json.dumps({"round": r, "pad": ""})
            frame = head[:-2] + "x" * max(0, pad - len(head)) + '"}'
            status, _h, _b = await raw_http.request(
                "POST", "/fanout", frame.encode(), {"Content-Type": "text/plain"}
            )
            return status == 200

        cpu_raw = [cpu_seconds(p) for p in (self.pids, self.asgi_pids, self.raw_pids)]
        client_cpu = own_cpu_seconds()
        raw = await live.fanout(
            "fanout_raw",
            host=self.host,
            port=a.raw_port,
            paths=["/ws/raw/"] * len(paths),
            trigger=publish,
            before_rounds=warm_raw,
            rounds=a.fanout_rounds,
            interval=a.fanout_interval,
        )
        raw_http.close()
        used_raw = [
            cpu_seconds(p) - c
            for p, c in zip((self.pids, self.asgi_pids, self.raw_pids), cpu_raw, strict=True)
        ]
        raw_client = own_cpu_seconds() - client_cpu
        print(f" p99 {raw.percentile(0.99)}", file=sys.stderr)
        for result, cpu_used, client in ((real, used, real_client), (raw, used_raw, raw_client)):
            self.phases[result.name] = {
                **result.as_dict(),
                "server_cpu_cores": round(sum(cpu_used) / result.duration, 2),
                "cpu_cores_wsgi_asgi_raw": [round(c / result.duration, 2) for c in cpu_used],
                "load_generator_cpu_cores": round(client / result.duration, 2),
            }

        sockets = f"{displays} displays" + (f" + {len(phones)} phones" if phones else "")
        p50, p99, top = (real.percentile(q) for q in (0.5, 0.99, 1.0))
        raw50, raw99, rawtop = (raw.percentile(q) for q in (0.5, 0.99, 1.0))
        self.row(f"fanout: call -> frame p50 ({sockets})", p50, "s", raw50, "raw p50")
        within = None if p99 is None or raw99 is None else p99 <= 2 * raw99
        self.row(f"fanout: call -> frame p99 ({sockets})", p99, "s", raw99, "raw p99",
                 "<= 2 x ceiling", within)  # fmt: skip
        self.row("fanout: call -> frame max", top, "s", rawtop, "raw max")
        self.row(f"fanout: (call, socket) without a frame ({a.fanout_rounds} calls)",
                 real.missed, "frames", target="0", passed=real.missed == 0)  # fmt: skip
        self.row("fanout: calls not answered 302", sum(real.trigger_failures.values()), "requests",
                 target="0", passed=not real.trigger_failures)  # fmt: skip
        self.row(
            "fanout: call request p50",
            sorted(real.trigger_latencies)[len(real.trigger_latencies) // 2]
            if real.trigger_latencies
            else None,
            "s",
        )
        self.row("fanout: sockets the server closed", real.closed, "sockets", target="0",
                 passed=real.closed == 0)  # fmt: skip
        self.row("fanout raw: (round, socket) without a frame", raw.missed, "frames")
        return {"fanout": self.phases["fanout"], "fanout_raw": self.phases["fanout_raw"]}

    async def tickets(self, bare: PhaseResult) -> dict:
        """Kiosks issue, desks call, start and finish, for `--ticket-seconds`; the operations
        that count are the ones the database shows afterwards."""
        a, v = self.args, self.visits
        since = datetime.now(UTC)
        print("  tickets ...", end="", flush=True, file=sys.stderr)
        cpu_server, cpu_client = cpu_seconds(self.pids), own_cpu_seconds()
        ops = await live.ticket_ops(
            host=self.host,
            port=self.port,
            office=v["office"],
            staff=v["staff"][: a.ticket_desks],
            kiosks=[v["kiosks"][n % len(v["kiosks"])] for n in range(a.ticket_kiosks)],
            groups=v["groups"],
            csrf=v["csrf"],
            duration=a.ticket_seconds,
        )
        server_cores = (cpu_seconds(self.pids) - cpu_server) / ops.duration
        client_cores = (own_cpu_seconds() - cpu_client) / ops.duration
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.verify_visits", "--office", v["office"],
             "--since", since.isoformat()],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        db = json.loads(out.stdout)
        done = db["issued"] + db["called"] + db["started"] + db["finished"]
        rate = done / ops.duration
        print(f" {done} operations in {ops.duration:.1f} s {dict(ops.answers)}", file=sys.stderr)

        def ms(operation: str, q: float) -> float | None:
            value = ops.percentile(operation, q)
            return None if value is None else round(value * 1000, 1)

        self.phases["tickets"] = {
            "desks": a.ticket_desks,
            "kiosks": a.ticket_kiosks,
            "duration_s": round(ops.duration, 3),
            "answers": dict(sorted(ops.answers.items())),
            "answered_as_success": dict(ops.ok),
            "errors": dict(ops.errors),
            "calls_finding_nobody": ops.nobody_waiting,
            "database": db,
            "operations_per_s": round(rate, 1),
            "latency_ms": {
                op: {"p50": ms(op, 0.5), "p99": ms(op, 0.99), "max": ms(op, 1.0)}
                for op in sorted(ops.latencies)
            },
            "server_cpu_cores": round(server_cores, 2),
            "load_generator_cpu_cores": round(client_cores, 2),
        }
        expected = {"issue": 302, "call": 302, "start": 302, "finish": 302, "page": 200}
        wrong = sum(
            n for key, n in ops.answers.items()
            if int(key.split()[1]) != expected[key.split()[0]]
        ) + sum(ops.errors.values())  # fmt: skip
        bare_rate = bare.rate(201)
        self.row(f"tickets: operations/s ({a.ticket_kiosks} kiosks, {a.ticket_desks} desks)",
                 rate, "/s", bare_rate, "bare booking/s", ">= 0.5 x ceiling",
                 rate >= 0.5 * bare_rate)  # fmt: skip
        for name, key in (("issued", "issued"), ("called", "called"), ("finished", "finished")):
            self.row(f"tickets: {name}/s", db[key] / ops.duration, "/s")
        self.row(
            "tickets: call p99 latency",
            ops.percentile("call", 0.99),
            "s",
            bare.percentile(0.99, 201),
            "bare p99",
        )
        self.row(
            "tickets: issue p99 latency",
            ops.percentile("issue", 0.99),
            "s",
            bare.percentile(0.99, 201),
            "bare p99",
        )
        self.row(
            "tickets: unexpected answers, errors", wrong, "requests", target="0", passed=wrong == 0
        )
        twice = db["tickets_called_twice"] + db["desks_with_two_clients"]
        self.row(
            "tickets: called twice, desks with two clients",
            twice,
            "tickets",
            target="0",
            passed=twice == 0,
        )
        return self.phases["tickets"]

    # -- PDFs beside availability; overload with the anti-bot layers on

    def pdf_paths(self) -> list[str]:
        """Desk signs of the visits office (100 desks, the heaviest document) with distinct sets
        of languages: each request is a PDF nobody has asked for yet (a cache miss)."""
        office = self.visits["office"]
        codes = ["en", "ar", "tr", "uk", "ru", "fa", "fa-af", "fr", "ro"]
        sets = [c for size in (1, 2, 3) for c in itertools.combinations(codes, size)]
        self.rng.shuffle(sets)
        return [f"/{office}/signs/desks.pdf?lang={','.join(langs)}" for langs in sets]

    async def pdf(self) -> dict:
        """Availability alone (the ceiling), then availability while `--pdf-requests` clients
        ask for PDFs with distinct parameters (cache misses) for the whole phase, then the same
        PDFs again (kept ones)."""
        a = self.args
        week = self.availability_path(self.today, self.today + timedelta(days=7))
        quiet = await self.phase(
            "availability_quiet",
            connections=a.availability_connections,
            make_request=lambda n: ("GET", week, None),
            duration=a.seconds,
        )
        paths = self.pdf_paths()

        def pdf_request(n: int):
            return ("GET", paths[n % len(paths)], None)

        print(f"  pdf_misses ({a.pdf_requests} clients) in the background", file=sys.stderr)
        cpu_before = cpu_seconds(self.pids + descendants(self.pids[1:]))
        misses_task = asyncio.create_task(
            run_phase(
                "pdf_misses",
                host=self.host,
                port=self.port,
                connections=a.pdf_requests,
                make_request=pdf_request,
                duration=a.seconds + 1.0,
                timeout=a.pdf_timeout,
            )
        )
        await asyncio.sleep(1.0)  # the PDF requests are in before availability starts
        loaded = await self.phase(
            "availability_pdf",
            connections=a.availability_connections,
            make_request=lambda n: ("GET", week, None),
            duration=a.seconds,
        )
        misses = await misses_task
        renderers = descendants(self.pids[1:])
        render_cpu = cpu_seconds(renderers)
        server_cpu = cpu_seconds(self.pids + renderers) - cpu_before
        kept = sorted({x.path for x in misses.samples if x.status == 200})
        hits = None
        if kept:  # the same PDFs again, now kept
            hits = await self.phase(
                "pdf_hits",
                connections=a.pdf_requests,
                make_request=lambda n: ("GET", kept[n % len(kept)], None),
                duration=min(a.seconds, 3.0),
            )
        self.phases["pdf_misses"] = {
            "connections": a.pdf_requests,
            "requests": len(misses.samples),
            "distinct_documents": len({x.path for x in misses.samples}),
            "statuses": misses.statuses(),
            "errors": dict(misses.errors),
            "latency_ms_by_status": {
                status: {
                    q: round(misses.percentile(v, int(status)) * 1000, 1)
                    for q, v in (("p50", 0.5), ("p99", 0.99), ("max", 1.0))
                }
                for status in misses.statuses()
                if status != "error"
            },
            "render_processes_and_their_trackers": len(renderers),
            "render_processes_cpu_s": round(render_cpu, 2),
            "server_and_render_cpu_s": round(server_cpu, 2),
            # With the availability phase beside it; the load generator's CPU is in that phase.
            "server_cpu_cores": round(server_cpu / misses.duration, 2),
            "load_generator_cpu_cores": None,
        }
        q_p99, l_p99 = quiet.percentile(0.99, 200), loaded.percentile(0.99, 200)
        self.row("availability: p99 without PDF load", q_p99, "s")
        self.row(
            f"availability: p99 beside {a.pdf_requests} PDF requests (cache misses)",
            l_p99, "s", q_p99, "p99 without PDFs", "<= 2 x ceiling",
            l_p99 is not None and q_p99 is not None and l_p99 <= 2 * q_p99,
        )  # fmt: skip
        self.row(
            "availability: req/s beside the PDF requests",
            loaded.rate(200), "/s", quiet.rate(200), "req/s without PDFs",
        )  # fmt: skip
        other = len(loaded.samples) - loaded.count(200)
        self.row("availability: answers other than 200 beside PDFs", other, "requests",
                 target="0", passed=other == 0)  # fmt: skip
        refused = misses.count(503)
        with_retry = sum(1 for x in misses.samples if x.status == 503 and x.retry_after)
        broken = len(misses.samples) - misses.count(200, 503)
        self.row("PDF misses: rendered (200)", misses.count(200), "requests")
        self.row("PDF misses: 503, render slots taken", refused, "requests")
        self.row("PDF misses: 503 with Retry-After", with_retry, "requests", refused, "503s",
                 "all", with_retry == refused)  # fmt: skip
        self.row("PDF misses: other answers, errors", broken, "requests", target="0",
                 passed=broken == 0)  # fmt: skip
        self.row("PDF misses: 503 p99 latency", misses.percentile(0.99, 503), "s")
        self.row("PDF misses: render p50 latency (200)", misses.percentile(0.5, 200), "s")
        if hits is not None:
            self.row("PDF hits: req/s (kept PDFs)", hits.rate(200), "/s")
            self.row("PDF hits: p99 latency", hits.percentile(0.99, 200), "s")
        return self.phases["pdf_misses"]

    def antibot_addresses(self) -> list[str]:
        """`--antibot-addresses` client addresses spread over 127.0.0.0/8 (not 127.0.0.1)."""
        addresses = []
        for n in range(self.args.antibot_addresses):
            value = 1 + (n + 1) * 7919 % (2**24 - 2)
            addresses.append(f"127.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255 or 1}")
        return sorted(set(addresses))

    async def antibot(self, hello: PhaseResult | None) -> dict:
        """The overload phase against the server with the anti-bot layers on (CAPTCHA and the
        rate limits): `--overload-connections` connections opened at once from addresses
        spread over 127.0.0.0/8, booking for `--overload-seconds`. Most carry no proof of
        work (bots); `--antibot-solved` carry a solved one."""
        a = self.args
        port, pids = a.antibot_port, server_pids(a.antibot_pid)
        first = self.today + timedelta(days=30)
        slots = (await self.fetch(self.availability_path(first, first + timedelta(days=30)), port))[
            "slots"
        ]
        starts = [s["start"] for s in slots][:500]
        proofs = []
        for _ in range(a.antibot_solved):
            proofs.append(solve_for_tests(await self.fetch("/api/v1/challenge", port)))
        addresses = self.antibot_addresses()

        def request(n: int):
            body = {
                "service": a.service,
                "start": self.rng.choice(starts),
                "name": f"Bench Bot {n}",
                "email": f"antibot-{n}@bench.example",
                "language": "de",
                "altcha": proofs[n] if n < len(proofs) else "",
            }
            return ("POST", f"/api/v1/offices/{a.office}/appointments", json.dumps(body).encode())

        flood = await self.phase(
            "overload_antibot",
            port=port,
            pids=pids,
            connections=a.overload_connections,
            make_request=request,
            duration=a.overload_seconds,
            timeout=a.overload_timeout,
            connect_first=False,
            local_hosts=addresses,
        )
        total = len(flood.samples) or 1
        shed = [x for x in flood.samples if x.status in (429, 503)]
        shed_p99 = flood.percentile(0.99, 429, 503)
        failed = sum(1 for x in flood.samples if x.status >= 500 and x.status != 503)
        with_retry = sum(1 for x in shed if x.retry_after)
        n = a.overload_connections
        self.row(f"anti-bot overload: answers ({n} conns, {len(addresses)} addresses)",
                 len(flood.samples), "requests")  # fmt: skip
        for status, label in ((429, "429 rate-limited"), (503, "503 busy"),
                              (400, "400 proof of work missing"), (201, "201 booked"),
                              (409, "409 slot taken")):  # fmt: skip
            self.row(f"anti-bot overload: share {label}", 100 * flood.count(status) / total, "%")
        self.row("anti-bot overload: share 429 + 503", 100 * len(shed) / total, "%")
        self.row("anti-bot overload: 429/503 p99 latency", shed_p99, "s",
                 None if hello is None else hello.percentile(0.99, 200), "hello p99", "<= 1 s",
                 shed_p99 is not None and shed_p99 <= 1.0)  # fmt: skip
        self.row("anti-bot overload: 429 p99 latency", flood.percentile(0.99, 429), "s")
        self.row("anti-bot overload: 503 p99 latency", flood.percentile(0.99, 503), "s")
        self.row("anti-bot overload: 429/503 with Retry-After", with_retry, "requests",
                 len(shed), "refusals", "all", bool(shed) and with_retry == len(shed))  # fmt: skip
        self.row("anti-bot overload: 500s", failed, "requests", target="0", passed=failed == 0)
        broken = flood.count(0)
        self.row("anti-bot overload: timeouts, connection errors", broken, "requests",
                 target="0", passed=broken == 0)  # fmt: skip
        return {"addresses": len(addresses), "solved_proofs": len(proofs)}

    # -- figures

    # fmt: off
    def collect(self, hello, bare, availability, staleness, rush, memory, after_rush, hot,
                overload, final) -> None:
        a = self.args

        def row(name, value, unit, ceiling=None, ceiling_name="", target="", passed=None):
            self.figures.append(Figure(name, value, unit, ceiling, ceiling_name, target, passed))

        hello_rate, hello_p99 = hello.rate(200), hello.percentile(0.99, 200)
        bare_rate, bare_p99 = bare.rate(201), bare.percentile(0.99, 201)

        booked, refused = rush.count(201), rush.count(429, 503)
        others = len(rush.samples) - rush.count(201, 409, 429, 503)
        clean = after_rush["overbookings"] == 0 and after_rush["without_seat"] == 0
        row(f"rush: attempts ({a.rush_clients} clients)", len(rush.samples), "requests",
            target=f">= {a.rush_attempts}", passed=len(rush.samples) >= a.rush_attempts)
        row("rush: 201 booked", booked, "requests")
        row("rush: 409 slot taken", rush.count(409), "requests")
        row("rush: 503 busy (client waited Retry-After)", refused, "requests")
        row("rush: other answers", others, "requests", target="0", passed=others == 0)
        row("rush: overbookings (database)", after_rush["overbookings"], "seats",
            target="0", passed=clean)
        row("rush: active rows in database", after_rush["rush_active"], "rows", booked,
            "201 answers", "= 201s", after_rush["rush_active"] == booked)
        row("rush: booked/s", rush.rate(201), "/s", bare_rate, "bare booking/s",
            ">= 0.5 x ceiling", rush.rate(201) >= 0.5 * bare_rate)
        row("rush: p99 latency (201/409)", rush.percentile(0.99, 201, 409), "s", bare_p99,
            "bare p99")

        decisions, hot_p99 = hot.rate(201, 409), hot.percentile(0.99, 201, 409)
        row(f"hot slot: decisions/s ({a.hot_clients} clients)", decisions, "/s", bare_rate,
            "bare booking/s", ">= 100/s", decisions >= 100)
        row("hot slot: p99 latency (201/409)", hot_p99, "s", bare_p99, "bare p99", "<= 1 s",
            hot_p99 is not None and hot_p99 <= 1.0)
        row("hot slot: 201 booked", hot.count(201), "requests", final["seats_per_slot"],
            "seats in slot", "= seats", hot.count(201) == final["seats_per_slot"])
        row("hot slot: 503 busy", hot.count(429, 503), "requests")

        av_rate, av_p99 = availability.rate(200), availability.percentile(0.99, 200)
        row(f"availability: req/s ({a.availability_connections} conns)", av_rate, "/s",
            hello_rate, "hello/s", ">= 0.5 x ceiling", av_rate >= 0.5 * hello_rate)
        row("availability: p99 latency", av_p99, "s", hello_p99, "hello p99", "<= 50 ms",
            av_p99 is not None and av_p99 <= 0.05)
        row("availability: stale after a booking", max(staleness), "s", target="<= 1 s",
            passed=max(staleness) <= 1.0)

        failed = sum(1 for s in overload.samples if s.status >= 500 and s.status != 503)
        shed = [s for s in overload.samples if s.status in (429, 503)]
        with_retry = sum(1 for s in shed if s.retry_after)
        shed_p99 = overload.percentile(0.99, 429, 503)
        broken = overload.count(0)
        row(f"overload: 500s ({a.overload_connections} conns)", failed, "requests",
            target="0", passed=failed == 0)
        row("overload: refused 429/503", len(shed), "requests", len(overload.samples),
            "all answers")
        row("overload: refusals with Retry-After", with_retry, "requests", len(shed),
            "refusals", "all", bool(shed) and with_retry == len(shed))
        row("overload: refusal p50 latency", overload.percentile(0.5, 429, 503), "s",
            hello.percentile(0.5, 200), "hello p50")
        row("overload: refusal p99 latency", shed_p99, "s", hello_p99, "hello p99", "<= 1 s",
            shed_p99 is not None and shed_p99 <= 1.0)
        # The 2,000 connections open at once: is the slow tail that first wave, or steady?
        later = sorted(s.latency for s in shed
                       if s.finished - s.latency >= overload.started + 1.0)
        row("overload: refusal p99, sent after the first second",
            later[min(len(later) - 1, int(0.99 * len(later)))] if later else None, "s")
        row("overload: timeouts, connection errors", broken, "requests", target="0",
            passed=broken == 0)
        wrong = len(overload.samples) - overload.count(0, 201, 409, 429, 503) - failed
        row("overload: other answers (not 201/409/429/503)", wrong, "requests", target="0",
            passed=wrong == 0)
        row("overload: 201/409 decided per s", overload.rate(201, 409), "/s", bare_rate,
            "bare booking/s")
        row("overbookings after all phases", final["overbookings"], "seats", target="0",
            passed=final["overbookings"] == 0 and final["without_seat"] == 0)
        for pid, m in memory.items():
            row(f"memory: peak RSS, {m['role']} {pid}", m["vm_hwm_mb"], "MB",
                target="<= 250 MB", passed=m["vm_hwm_mb"] <= 250)
    # fmt: on


# ------------------------------------------------------------------------------------ output


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms"
    if isinstance(value, float):
        return f"{value:,.1f} {unit}".strip()
    return f"{value:,} {unit}".strip()


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "ceiling", "ratio", "target", "result")]
    for f in figures:
        ceiling = fmt(f.ceiling, f.unit if f.unit in ("s", "/s") else "")
        if f.ceiling is not None and f.ceiling_name:
            ceiling += f" ({f.ceiling_name})"
        rows.append(
            (
                f.name,
                fmt(f.value, f.unit),
                ceiling if f.ceiling is not None else "",
                "" if f.ratio is None else f"{f.ratio:.2f}",
                f.target,
                {True: "pass", False: "FAIL", None: ""}[f.passed],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add = parser.add_argument
    add("--port", type=int, required=True)
    add("--office", required=True)
    add("--service", type=int, required=True)
    add("--server-pid", type=int, required=True)
    add("--days", type=int, default=90)
    add("--config", default="{}", help="JSON describing the server set-up, stored with the results")
    add("--seconds", type=float, default=8.0, help="length of the ceiling and availability phases")
    add("--availability-connections", type=int, default=64)
    add("--rush-clients", type=int, default=200)
    add("--rush-attempts", type=int, default=10_000)
    add("--rush-slots", type=int, default=2000)
    add("--rush-max-seconds", type=float, default=150.0)
    add("--hot-clients", type=int, default=200)
    add("--hot-attempts", type=int, default=3000)
    add("--overload-connections", type=int, default=2000)
    add("--overload-seconds", type=float, default=15.0)
    add("--overload-timeout", type=float, default=10.0)
    add("--overload-slots", type=int, default=500)
    add(
        "--phases",
        default=",".join(PHASE_GROUPS),
        help="comma-separated: " + ", ".join(PHASE_GROUPS),
    )
    add("--visits", help="the day-of-visit data bench.seed wrote (cookies, screens, tokens)")
    add("--ws-port", type=int, help="the application's ASGI server (WebSockets)")
    add("--asgi-pid", type=int)
    add("--raw-port", type=int, help="the raw fan-out app (bench/fanout.py)")
    add("--raw-pid", type=int)
    add("--sockets", type=int, default=1000, help="WebSockets open during the fan-out")
    add(
        "--phones",
        type=int,
        default=None,
        help="of these, phones on the ticket page (default: half, if that socket exists)",
    )
    add("--fanout-rounds", type=int, default=50)
    add("--fanout-interval", type=float, default=0.2)
    add("--ticket-desks", type=int, default=50)
    add("--ticket-kiosks", type=int, default=12)
    add("--ticket-seconds", type=float, default=15.0)
    add("--pdf-requests", type=int, default=16, help="PDF clients beside availability")
    add("--pdf-timeout", type=float, default=120.0)
    add("--antibot-port", type=int, help="the application with CAPTCHA and rate limits on")
    add("--antibot-pid", type=int)
    add("--antibot-addresses", type=int, default=1000, help="client addresses in 127.0.0.0/8")
    add("--antibot-solved", type=int, default=50, help="flood requests with a solved proof")
    args = parser.parse_args()
    unknown = {p.strip() for p in args.phases.split(",")} - set(PHASE_GROUPS)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    if {"fanout", "tickets"} & {p.strip() for p in args.phases.split(",")} and not args.visits:
        parser.error("the fanout and tickets phases need --visits")
    if "pdf" in args.phases and not args.visits:
        parser.error("the pdf phase needs --visits (the office with 100 desks)")
    if "antibot" in args.phases and not (args.antibot_port and args.antibot_pid):
        parser.error("the antibot phase needs --antibot-port and --antibot-pid")
    # 1,000 WebSockets and the HTTP clients: more descriptors than the usual soft limit.
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    bench = Bench(args)
    started = datetime.now(UTC)
    details = asyncio.run(bench.run())
    report = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "server": json.loads(args.config),
        "parameters": {k: v for k, v in vars(args).items() if k != "config"},
        "figures": [f.as_dict() for f in bench.figures],
        "phases": bench.phases,
        **details,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")

    print()
    print(table(bench.figures))
    print()
    cpu = ", ".join(
        f"{name} {p['server_cpu_cores']}/{p['load_generator_cpu_cores']}"
        for name, p in bench.phases.items()
    )
    print(f"CPU cores used, server/load generator: {cpu} (of {os.cpu_count()})")
    missed = [f.name for f in bench.figures if f.passed is False]
    print(f"targets missed: {len(missed)}" + (f" ({'; '.join(missed)})" if missed else ""))
    print(f"results: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
