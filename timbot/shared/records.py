"""``Records``: small JSON records kept for a while (the ``users.info`` answers), in-process or in Redis."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from cachetools import TTLCache

from timbot.errors import SharedUnavailable
from timbot.shared.store import SharedRedis

__all__ = ["Records"]

#: The largest record written to Redis (a user's few fields are far smaller).
RECORD_BYTES = 4096


class Records:
    """Records of a ``kind`` by key, kept ``ttl`` seconds: in Redis for every process when ``shared`` is
    given (falling back to the process while Redis is lost), else in the process (at most ``size``).

    Only what the caller hands in is kept, so the caller picks the fields (never a token or a secret).

    Args:
        kind: the records' kind, part of their key names (``slack-user``).
        ttl: seconds a record is trusted.
        size: the most records kept in the process.
        shared: the bot's Redis, or None for in-process only.
    """

    def __init__(self, *, kind: str, ttl: float, size: int, shared: SharedRedis | None = None) -> None:
        self.kind, self.ttl = kind, ttl
        self._local: TTLCache[str, dict[str, Any]] = TTLCache(maxsize=size, ttl=max(ttl, 1e-9))
        self._shared = shared

    async def get(self, key: str) -> dict[str, Any] | None:
        """The record kept for ``key``, or None (never seen, expired, or Redis lost and not seen here).

        Args:
            key: the record's key (``T0TEAM:U0USER``).
        """
        if self._shared is not None and self._shared.available:
            name = self._shared.keys(self.kind, key)
            with contextlib.suppress(SharedUnavailable):
                raw: bytes | None = await self._shared.run(lambda r: r.get(name))
                if raw is None:
                    return None
                with contextlib.suppress(ValueError):
                    value = json.loads(raw)
                    if isinstance(value, dict):
                        return value
                return None
        return self._local.get(key)

    async def put(self, key: str, record: dict[str, Any]) -> None:
        """Keep ``record`` for ``key`` for ``ttl`` seconds (no-op when ``ttl`` is 0).

        Args:
            key: the record's key.
            record: JSON-serialisable fields.
        """
        if self.ttl <= 0:
            return
        self._local[key] = record
        if self._shared is not None and self._shared.available:
            raw = json.dumps(record, separators=(",", ":"))
            if len(raw) <= RECORD_BYTES:
                name = self._shared.keys(self.kind, key)
                with contextlib.suppress(SharedUnavailable):
                    await self._shared.run(lambda r: r.set(name, raw, px=max(1, int(self.ttl * 1000))))
