"""The ceiling: a bare ``websockets`` server that broadcasts what Redis PUBLISH brings.

``python -m bench.servers.bare_websockets --port 8001 --redis redis://... --channel NAME``
"""

import argparse
import asyncio

import redis.asyncio
from websockets.asyncio.server import broadcast, serve


async def main(port: int, redis_url: str, channel: str) -> None:
    readers = set()

    async def reader(websocket):
        readers.add(websocket)
        try:
            await websocket.wait_closed()
        finally:
            readers.discard(websocket)

    client = redis.asyncio.Redis.from_url(redis_url, socket_timeout=None)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel)
    async with serve(reader, "127.0.0.1", port, ping_interval=20, max_size=2**16):
        print(f"listening on 127.0.0.1:{port}", flush=True)
        async for message in pubsub.listen():
            # One decode per update; broadcast() writes the same frame to every socket.
            broadcast(readers, message["data"].decode())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--channel", required=True)
    args = parser.parse_args()
    asyncio.run(main(args.port, args.redis, args.channel))
