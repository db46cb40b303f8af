"""The demo data: deterministic by seed, fast to build, realistic and hostile where it should be."""

from __future__ import annotations

import re
import time
from collections import Counter

from timbot.emulator import GROUP_TYPES, Emulator
from timbot.emulator.data import DemoData

USER_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _fingerprint(data: DemoData) -> list[object]:
    group = data.groups[500]
    lists, sequence = data.friend_lists(data.users[77])
    room = data.by_id[data.showcase.live_room_id]
    return [
        [(g.group_id, g.name, g.type, g.cursor) for g in data.groups],
        data.users,
        data.members(group),
        data.online_members(room)[:50],
        lists,
        sequence,
        data.showcase,
    ]


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert _fingerprint(DemoData(seed=7)) == _fingerprint(DemoData(seed=7))
    other = DemoData(seed=8)
    assert [g.group_id for g in other.groups] != [g.group_id for g in DemoData(seed=7).groups]


def test_construction_is_fast() -> None:
    started = time.perf_counter()
    Emulator(seed=3)
    assert time.perf_counter() - started < 3  # typically ~0.1 s: members are generated lazily


def test_groups_look_real() -> None:
    data = DemoData(seed=0)
    counts = Counter(g.type for g in data.groups)
    assert set(counts) == set(GROUP_TYPES) and len(data.groups) >= 2000
    assert len(data.by_id) == len(data.groups)  # IDs are unique
    for group in data.groups:
        gid = group.group_id
        assert len(gid.encode()) <= 48 and all(0x20 <= ord(c) <= 0x7E for c in gid)
        if group.type == "Community":
            assert gid.startswith("@TGS#_")
        else:
            assert not gid.startswith("@TGS#_")
    assert any(not g.group_id.startswith("@TGS#") for g in data.groups)  # some custom IDs
    assert [g.cursor for g in data.groups] == sorted(g.cursor for g in data.groups)
    names = " ".join(g.name for g in data.groups)
    scripts = (r"[A-Za-z]", r"[\u4e00-\u9fff]", r"[\u3040-\u30ff]", r"[\uac00-\ud7af]", r"[\u0400-\u04ff]")
    for pattern in (*scripts, r"[\u0600-\u06ff]", r"[\U0001F300-\U0001FAFF]"):
        assert re.search(pattern, names), pattern
    hostile = {g.name for g in data.groups}
    for name in ("<!channel>", "<@U123>", "<!subteam^S123>", "<https://evil.example|click>"):
        assert name in hostile
    assert any(g.type == "Private" and not g.active for g in data.groups)
    assert any(g.mute_all_member == "On" for g in data.groups)


def test_users_and_members_look_real() -> None:
    data = DemoData(seed=0)
    assert len(set(data.users)) == len(data.users) >= 1000
    assert all(USER_ID.match(user) for user in data.users)
    big = data.by_id[data.showcase.big_group_id]
    members = data.members(big)
    assert len(members) >= 2000
    roles = Counter(m.role for m in members)
    assert roles["Owner"] == 1 and roles["Admin"] >= 1 and roles["Member"] > 1000
    assert any(m.mute_until for m in members) and any(m.name_card for m in members)
    assert any(m.app_member_defined_data for m in members)
    room = data.by_id[data.showcase.live_room_id]
    online = data.online_members(room)
    assert len(online) == data.showcase.live_room_online >= 1000
    assert len({m.join_time for m in online}) == len(online)  # Timestamp paging needs distinct times
    marks = Counter(mark for m in online for mark in m.marks)
    assert set(marks) == set(data.showcase.live_room_marks) and all(n <= 1000 for n in marks.values())


def test_showcase_is_consistent() -> None:
    data = DemoData(seed=0)
    showcase = data.showcase
    assert data.by_id[showcase.live_room_id].type == "AVChatRoom"
    assert data.by_id[showcase.hostile_group_id].name == "<!channel>"
    assert data.by_id[showcase.community_group_id].support_topic == 1
    assert not data.by_id[showcase.inactive_group_id].active
    assert not showcase.custom_group_id.startswith("@TGS#")
    assert showcase.user_groups >= 100 and showcase.user_friend_lists == 32 and showcase.user_friends >= 100
    assert sum(showcase.type_counts.values()) == len(data.groups)
