"""Which IDs of the emulator's demo data the benchmark uses (served by the emulator at /_bench/data)."""

from __future__ import annotations

import re
from typing import Any

_USER = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def sample_ids(emulator: Any) -> dict[str, list[str]]:
    """Group IDs, live-room IDs and user IDs the benchmark's commands name.

    Args:
        emulator: a ``timbot.emulator.Emulator``.

    Returns:
        ``groups``: ordinary group IDs (``@TGS#...``, Public/Private/ChatRoom, <= 200 members), in data order;
        ``rooms``: live-room (AVChatRoom) IDs; ``users``: user IDs in at least 12 groups (so a 5-per-page
        ``/im-joined`` has a Next page).
    """
    data = emulator.data
    groups = [g.group_id for g in data.groups if g.type in ("Public", "Private", "ChatRoom")
              and g.group_id.startswith("@TGS#") and g.size <= 200]
    rooms = [g.group_id for g in data.groups if g.type == "AVChatRoom"]
    joined = data.joined_index
    users = [u for i, u in enumerate(data.users) if _USER.match(u) and len(joined.get(i, ())) >= 12]
    return {"groups": groups, "rooms": rooms, "users": users}
