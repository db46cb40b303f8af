"""The test Redis server: it starts from the wheel, answers, and can be stopped and started again."""

from __future__ import annotations

import redis.asyncio as aioredis

from tests.redisserver import RedisServer


async def test_the_server_answers_and_keeps_values(redis_server: RedisServer) -> None:
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        assert await client.ping()
        await client.set("t-server:k", "v", ex=10)
        assert await client.get("t-server:k") == b"v"
        info = await client.info("server")
        assert str(info["redis_version"]).split(".")[0].isdigit()
    finally:
        await client.aclose()


def test_a_stopped_server_starts_again_on_its_port() -> None:
    with RedisServer() as server:
        port = server.port
        server.stop()
        assert not server.running
        server.start()
        assert server.running and server.port == port
