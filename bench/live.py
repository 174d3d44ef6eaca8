"""The day of the visit under load, for bench/load.py: fan-out of a call to 1,000 open
WebSockets, against the raw fan-out ceiling, and ticket operations (issue, call, start, finish)
over HTTP as kiosks and desks do them.

The WebSocket client is a few lines on an asyncio Protocol rather than the `websockets` package:
1,000 sockets share the two cores with the servers, and the time a frame arrives is taken in
`data_received`, before any parsing, so what is measured is the server, not the client."""

import asyncio
import base64
import os
import re
import struct
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.client import Connection

# ------------------------------------------------------------------------ a minimal WS client


async def accepted(host: str, port: int, path: str) -> bool:
    """Whether the server accepts a WebSocket on this path (used to see if a consumer exists)."""
    try:
        socket = await WebSocket.connect(0, host, port, path, lambda *_: None)
    except (OSError, ConnectionError, TimeoutError):
        return False
    await asyncio.sleep(0.3)  # a consumer that accepts and then closes (4404) counts as no
    accepted = not socket.closed
    socket.close()
    return accepted


class WebSocket(asyncio.Protocol):
    """A client WebSocket that reports each text frame as (arrival time, payload)."""

    def __init__(self, index: int, request: bytes, on_frame: Callable[[int, float, bytes], None]):
        self.index, self.request, self.on_frame = index, request, on_frame
        self.loop = asyncio.get_running_loop()
        self.open: asyncio.Future[None] = self.loop.create_future()
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.closed = False

    @classmethod
    async def connect(cls, index: int, host: str, port: int, path: str, on_frame) -> "WebSocket":
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://{host}:{port}\r\n\r\n"
        ).encode()
        loop = asyncio.get_running_loop()
        _transport, socket = await loop.create_connection(
            lambda: cls(index, request, on_frame), host, port
        )
        await asyncio.wait_for(socket.open, 30)
        return socket

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.open.done():
            self.open.set_exception(ConnectionError(f"socket {self.index} closed: {exc}"))

    def data_received(self, data: bytes) -> None:
        now = self.loop.time()
        self.buffer += data
        if not self.open.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(self.buffer[:end]).split(b"\r\n", 1)[0]
            del self.buffer[: end + 4]
            if b" 101 " not in status + b" ":
                self.open.set_exception(ConnectionError(status.decode("latin-1")))
                self.close()
                return
            self.open.set_result(None)
        while len(self.buffer) >= 2:
            opcode, length = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
            start = 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, start = struct.unpack_from("!H", self.buffer, 2)[0], 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, start = struct.unpack_from("!Q", self.buffer, 2)[0], 10
            if len(self.buffer) < start + length:
                return
            payload = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            if opcode in (1, 2):
                self.on_frame(self.index, now, payload)
            elif opcode == 9:  # ping: answer with a (masked) pong
                self._send(0xA, payload)
            elif opcode == 8:
                self.close()

    def _send(self, opcode: int, payload: bytes) -> None:
        if self.transport is None or self.closed:
            return
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self._send(0x8, struct.pack("!H", 1000))
            self.transport.close()
        self.closed = True


# -------------------------------------------------------------------------------- fan-out


@dataclass
class FanoutResult:
    name: str
    sockets: int
    rounds: int
    latencies: list[float] = field(default_factory=list)  # one per (round, socket) received
    missed: int = 0  # (round, socket) pairs without a frame
    unexpected: int = 0  # frames before the first round or beyond one per socket and round
    closed: int = 0  # sockets the server closed during the rounds
    trigger_latencies: list[float] = field(default_factory=list)
    trigger_failures: Counter = field(default_factory=Counter)
    frame_bytes: int = 0
    connect_seconds: float = 0.0
    duration: float = 0.0

    def percentile(self, q: float) -> float | None:
        values = sorted(self.latencies)
        if not values:
            return None
        return values[min(len(values) - 1, int(q * len(values)))]

    def as_dict(self) -> dict:
        trigger = sorted(self.trigger_latencies)

        def ms(values: list[float], q: float) -> float | None:
            return (
                round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1)
                if values
                else None
            )

        return {
            "sockets": self.sockets,
            "rounds": self.rounds,
            "frames": len(self.latencies),
            "missed": self.missed,
            "unexpected": self.unexpected,
            "closed_by_server": self.closed,
            "frame_bytes": self.frame_bytes,
            "connect_s": round(self.connect_seconds, 2),
            "duration_s": round(self.duration, 2),
            "latency_ms": {
                q: None if (p := self.percentile(v)) is None else round(p * 1000, 1)
                for q, v in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))
            },
            "trigger_ms": {
                q: ms(trigger, v) for q, v in (("p50", 0.5), ("p99", 0.99), ("max", 1.0))
            },
            "trigger_failures": dict(self.trigger_failures),
            # One slow call puts every socket's frame late: 1 call of 50 is the p99 alone.
            "slowest_triggers": [
                {"round": r, "ms": round(t * 1000, 1)}
                for t, r in sorted(
                    ((t, r) for r, t in enumerate(self.trigger_latencies)), reverse=True
                )[:3]
            ],
        }


async def fanout(
    name: str,
    *,
    host: str,
    port: int,
    paths: list[str],
    trigger: Callable[[int], Awaitable[bool]],
    before_rounds: Callable[[], Awaitable[None]] | None = None,
    rounds: int,
    interval: float,
    round_timeout: float = 2.0,
    connect_parallel: int = 50,
) -> FanoutResult:
    """Open a WebSocket on each path, then `rounds` times: `trigger(r)` (one HTTP request that
    should put one frame on every socket) and wait until every socket has it or `round_timeout`
    passed; rounds start `interval` seconds apart at the earliest. A socket's n-th frame belongs
    to the n-th round (phones all get the same frame, so content cannot tell rounds apart), and
    its latency counts from that round's trigger; a socket that got fewer frames than rounds
    missed some."""
    loop = asyncio.get_running_loop()
    result = FanoutResult(name, len(paths), rounds)
    sent: list[float] = []
    frames_of = [0] * len(paths)  # per socket
    got: list[int] = []  # per round: sockets that have its frame
    current = -1
    payload_bytes = 0

    def on_frame(index: int, now: float, payload: bytes) -> None:
        nonlocal payload_bytes
        n = frames_of[index]
        if n > current:
            result.unexpected += 1  # before the first call, or more than one frame per call
            return
        frames_of[index] = n + 1
        got[n] += 1
        payload_bytes += len(payload)
        result.latencies.append(now - sent[n])

    started = loop.time()
    gate = asyncio.Semaphore(connect_parallel)

    async def open_one(index: int, path: str) -> WebSocket:
        async with gate:
            return await WebSocket.connect(index, host, port, path, on_frame)

    sockets = await asyncio.gather(*(open_one(i, p) for i, p in enumerate(paths)))
    result.connect_seconds = loop.time() - started
    await asyncio.sleep(1.0)  # let every consumer settle in its group
    if before_rounds is not None:
        await before_rounds()
    began = loop.time()
    try:
        for r in range(rounds):
            got.append(0)
            current = r
            sent.append(loop.time())
            ok = await trigger(r)
            result.trigger_latencies.append(loop.time() - sent[r])
            if not ok:
                result.trigger_failures["failed"] += 1
            # Until every socket has the frame, or is closed without it, or time is up.
            while loop.time() < sent[r] + round_timeout:
                lost = sum(1 for s in sockets if s.closed and frames_of[s.index] <= r)
                if got[r] + lost >= len(paths):
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(max(0.0, sent[r] + interval - loop.time()))
        await asyncio.sleep(0.5)  # late frames still count, with their latency
    finally:
        result.duration = loop.time() - began
        result.missed = sum(len(paths) - g for g in got)
        result.frame_bytes = round(payload_bytes / max(1, len(result.latencies)))
        result.closed = sum(1 for s in sockets if s.closed)
        for socket in sockets:
            socket.close()
        await asyncio.sleep(1.0)  # the servers drop their end (Channels leaves its group)
    return result


# ------------------------------------------------------------------------- ticket operations

DESK_TICKET = re.compile(
    rb'name="ticket" value="(\d+)"><input type="hidden" name="action" value="start"'
)


@dataclass
class TicketOps:
    duration: float = 0.0
    ok: Counter = field(default_factory=Counter)  # operation -> answered as a success
    answers: Counter = field(default_factory=Counter)  # "operation status" -> count
    latencies: dict[str, list[float]] = field(default_factory=dict)
    nobody_waiting: int = 0
    errors: Counter = field(default_factory=Counter)

    def record(self, operation: str, status: int, latency: float, success: bool) -> None:
        self.answers[f"{operation} {status}"] += 1
        self.latencies.setdefault(operation, []).append(latency)
        if success:
            self.ok[operation] += 1

    def percentile(self, operation: str, q: float) -> float | None:
        values = sorted(self.latencies.get(operation, []))
        if not values:
            return None
        return values[min(len(values) - 1, int(q * len(values)))]


async def ticket_ops(
    *,
    host: str,
    port: int,
    office: str,
    staff: list[dict],
    kiosks: list[dict],
    groups: list[int],
    csrf: str,
    duration: float,
    outcome: str = "completed",
) -> TicketOps:
    """Kiosks issue walk-in tickets (the real kiosk form POST, one idempotency key each) while
    caseworkers at their desks call the next client, start and finish, through the desk page's
    forms. A desk reads its page once after each call, as the caseworker's browser would, to
    learn which ticket it called; no other redirect is followed."""
    loop = asyncio.get_running_loop()
    ops = TicketOps()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    desk_path = f"/staff/{office}/desk/"
    deadline = loop.time() + duration
    started = loop.time()

    async def timed(connection: Connection, operation: str, method: str, path: str, data=None):
        headers = {**form, "Cookie": cookie_of[connection]}
        body = None if data is None else urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        sent = loop.time()
        try:
            status, answer_headers, payload = await asyncio.wait_for(
                connection.request(method, path, body, headers), 30
            )
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ConnectionError) as error:
            connection.close()
            ops.errors[f"{operation} {type(error).__name__}"] += 1
            return 0, {}, b"", loop.time() - sent
        return status, answer_headers, payload, loop.time() - sent

    cookie_of: dict[Connection, str] = {}

    async def desk(person: dict) -> None:
        connection = Connection(host, port)
        cookie_of[connection] = person["cookie"]
        last = None
        while loop.time() < deadline:
            status, _h, _b, took = await timed(
                connection, "call", "POST", desk_path, {"action": "call_next"}
            )
            status_page, _h, page, took_page = await timed(connection, "page", "GET", desk_path)
            found = DESK_TICKET.search(page) if status_page == 200 else None
            called = found is not None and found.group(1) != last
            ops.record("call", status, took, status == 302 and called)
            ops.record("page", status_page, took_page, status_page == 200)
            if found is None:
                ops.nobody_waiting += 1
                await asyncio.sleep(0.05)
                continue
            last = ticket = found.group(1)
            for action, extra in (("start", {}), ("finish", {"outcome": outcome})):
                status, _h, _b, took = await timed(
                    connection,
                    action,
                    "POST",
                    desk_path,
                    {"action": action, "ticket": ticket, **extra},
                )
                ops.record(action, status, took, status == 302)
        connection.close()

    async def kiosk(entry: dict, n: int) -> None:
        connection = Connection(host, port)
        cookie_of[connection] = entry["cookie"]
        path = f"/{office}/kiosk/{entry['kiosk']}/"
        issued = 0
        while loop.time() < deadline:
            issued += 1
            data = {
                "lang": "de",
                "group": str(groups[(n + issued) % len(groups)]),
                "issue_key": f"bench-{n}-{issued}-{os.getpid()}",
            }
            status, headers, _b, took = await timed(connection, "issue", "POST", path, data)
            ops.record(
                "issue", status, took, status == 302 and "/ticket/" in headers.get("location", "")
            )
        connection.close()

    await asyncio.gather(
        *(desk(person) for person in staff),
        *(kiosk(entry, n) for n, entry in enumerate(kiosks)),
    )
    ops.duration = loop.time() - started
    return ops
