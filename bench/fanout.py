"""The raw fan-out ceiling: a bare ASGI app, no Django, no Channels. Every WebSocket that
connects is kept; `POST /fanout` publishes its body on a Redis pub/sub channel, and every worker
process sends it as one text frame to each socket it holds. Run under the same server and worker
count as the application's WebSockets, with Redis between the workers as Channels has, so the
difference to the real thing is what Django, Channels and the call itself cost.

    SCHALTER_REDIS_URL=redis://127.0.0.1:6379/0 \
        granian --interface asgi --workers 2 bench.fanout:app
"""

import asyncio
import os
from typing import Any

import redis.asyncio as aioredis

CHANNEL = "bench.fanout"
Send = Any  # the ASGI send callable

_sockets: set[Send] = set()
_redis: aioredis.Redis | None = None
_listening: asyncio.Task | None = None
_subscribed = asyncio.Event()


def _client() -> aioredis.Redis:
    global _redis
    if _redis is None:
        _redis = aioredis.from_url(os.environ["SCHALTER_REDIS_URL"])
    return _redis


async def _listen() -> None:
    pubsub = _client().pubsub()
    await pubsub.subscribe(CHANNEL)
    _subscribed.set()
    async for message in pubsub.listen():
        if message["type"] != "message":
            continue
        frame = {"type": "websocket.send", "text": message["data"].decode()}
        for send in list(_sockets):
            try:
                await send(frame)
            except Exception:  # a socket that went away
                _sockets.discard(send)


def _ensure_listening() -> None:
    global _listening
    if _listening is None or _listening.done():
        _listening = asyncio.get_running_loop().create_task(_listen())


async def _websocket(receive, send) -> None:
    _ensure_listening()
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    await _subscribed.wait()
    _sockets.add(send)
    try:
        while (await receive())["type"] != "websocket.disconnect":
            pass
    finally:
        _sockets.discard(send)


async def _http(scope, receive, send) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    status, answer = 404, b"not found"
    if scope["method"] == "POST" and scope["path"] == "/fanout":
        status, answer = 200, str(await _client().publish(CHANNEL, body)).encode()
    elif scope["path"] == "/healthz":
        status, answer = 200, b"ok"
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(answer)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": answer})


async def app(scope, receive, send) -> None:
    if scope["type"] == "websocket":
        await _websocket(receive, send)
    elif scope["type"] == "http":
        await _http(scope, receive, send)
    elif scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
