"""A lean HTTP/1.1 keep-alive client on asyncio streams, and a phase runner.

The load generator shares two cores with the server; a general-purpose client (httpx) spends
several times more CPU per request than this one and would measure itself instead of the server
(see bench/README.md). Only what the bench needs: one request at a time per connection,
Content-Length or chunked bodies, `Connection: close`."""

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

Request = tuple[str, str, bytes | None]  # method, path, JSON body


class ConnectionClosed(Exception):
    pass


class Connection:
    def __init__(self, host: str, port: int, local_host: str | None = None) -> None:
        """`local_host`: the address the connection comes from (any of 127.0.0.0/8 on Linux),
        so that a server's limits per client address see many clients."""
        self.host, self.port, self.local_host = host, port, local_host
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        local = (self.local_host, 0) if self.local_host else None
        self.reader, self.writer = await asyncio.open_connection(
            self.host, self.port, local_addr=local
        )

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ):
        """Returns (status, headers with lower-case names, body). A body is JSON unless
        `headers` give another Content-Type."""
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        extra = dict(headers or {})
        if body is not None:
            content_type = extra.pop("Content-Type", "application/json")
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in extra.items())
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            raise ConnectionClosed from error
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            payload = await self._chunked()
        else:
            payload = b""
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, payload

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


@dataclass
class Sample:
    status: int  # 0: connection error or timeout
    latency: float  # seconds, including (re)connecting
    retry_after: bool
    finished: float
    body: bytes = b""
    path: str = ""


@dataclass
class PhaseResult:
    name: str
    connections: int
    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    errors: Counter = field(default_factory=Counter)

    @property
    def duration(self) -> float:
        return max(self.ended - self.started, 1e-9)

    def count(self, *statuses: int) -> int:
        return sum(1 for s in self.samples if s.status in statuses)

    def rate(self, *statuses: int) -> float:
        return self.count(*statuses) / self.duration

    def statuses(self) -> dict[str, int]:
        counts = Counter("error" if s.status == 0 else str(s.status) for s in self.samples)
        return dict(sorted(counts.items()))

    def percentile(self, q: float, *statuses: int) -> float | None:
        values = sorted(s.latency for s in self.samples if not statuses or s.status in statuses)
        if not values:
            return None
        return values[min(len(values) - 1, int(q * len(values)))]


async def run_phase(
    name: str,
    *,
    host: str,
    port: int,
    connections: int,
    make_request: Callable[[int], Request],
    total: int | None = None,
    duration: float = 10.0,
    timeout: float = 30.0,
    connect_first: bool = True,
    keep_bodies: bool = False,
    honour_retry_after: bool = True,
    local_hosts: list[str] | None = None,
) -> PhaseResult:
    """`connections` clients, each on its own keep-alive connection, one request at a time, until
    `total` requests were issued or `duration` seconds passed. `make_request(n)` builds the n-th
    request. With `connect_first`, connections are opened before the clock starts. A client told
    429/503 with Retry-After waits that long before its next request, as a polite client does
    (one that retried at once would only measure how fast the server can say no). With
    `local_hosts`, the i-th connection comes from local_hosts[i % len(local_hosts)]."""
    result = PhaseResult(name, connections)
    issued = 0
    pool = [
        Connection(host, port, local_hosts[i % len(local_hosts)] if local_hosts else None)
        for i in range(connections)
    ]
    if connect_first:
        await asyncio.gather(*(c.open() for c in pool))
    loop = asyncio.get_running_loop()
    result.started = loop.time()
    deadline = result.started + duration

    async def client(connection: Connection) -> None:
        nonlocal issued
        while (total is None or issued < total) and loop.time() < deadline:
            n = issued
            issued += 1
            method, path, body = make_request(n)
            sent = loop.time()
            try:
                status, headers, payload = await asyncio.wait_for(
                    connection.request(method, path, body), timeout
                )
            except (OSError, ConnectionClosed, TimeoutError, asyncio.LimitOverrunError) as error:
                connection.close()
                result.errors[type(error).__name__] += 1
                result.samples.append(Sample(0, loop.time() - sent, False, loop.time(), path=path))
                continue
            now = loop.time()
            if honour_retry_after and status in (429, 503) and "retry-after" in headers:
                pause = _seconds(headers["retry-after"])
                await asyncio.sleep(max(0.0, min(pause, deadline - loop.time())))
            result.samples.append(
                Sample(
                    status,
                    now - sent,
                    "retry-after" in headers,
                    now,
                    payload if keep_bodies else b"",
                    path,
                )
            )

    await asyncio.gather(*(client(c) for c in pool))
    result.ended = max((s.finished for s in result.samples), default=loop.time())
    for connection in pool:
        connection.close()
    return result


def _seconds(retry_after: str) -> float:
    try:
        return float(retry_after)
    except ValueError:
        return 1.0  # an HTTP date: the bench's server never sends one
