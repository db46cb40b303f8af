"""Generation of the demo groups' basic info: six types, names in several scripts, hostile and big ones."""

from __future__ import annotations

import hashlib
import random
import string

from timbot.emulator import names
from timbot.emulator.model import Group

__all__ = ["BIG_SIZES", "DEFAULT_GROUPS", "LIVE_ONLINE", "MIN_GROUPS", "NOW", "USER_COUNT", "make_groups",
           "plan", "seeded"]

NOW = 1_760_000_000  # the demo's "now" (Unix seconds): times are fixed so the data never drifts
USER_COUNT = 5000
_PLAN = (
    ("Public", 900),
    ("Private", 800),
    ("ChatRoom", 500),
    ("AVChatRoom", 240),
    ("BChatRoom", 60),
    ("Community", 200),
)
_MEAN_SIZE = {"Public": 40, "Private": 12, "ChatRoom": 60, "AVChatRoom": 20, "BChatRoom": 30, "Community": 80}
_MAX_MEMBERS = {
    "Public": 2000,
    "Private": 200,
    "ChatRoom": 10000,
    "AVChatRoom": 0,
    "BChatRoom": 0,
    "Community": 100000,
}
#: Groups of the default data (the plan's counts as they are).
DEFAULT_GROUPS = sum(count for _, count in _PLAN)
#: The fewest groups a sized data set may have (so every type and every showcase entry is there).
MIN_GROUPS = 100
BIG_SIZES = (3400, 3100, 2800, 2600)
LIVE_ONLINE = 1200
_SCRIPTS = tuple(names.GROUP_WORDS)
_SCRIPT_WEIGHTS = (40, 20, 10, 8, 8, 6, 8)
_UPPER = string.ascii_uppercase + string.digits
_ALNUM = string.ascii_letters + string.digits
_CUSTOM_IDS = (
    "support-emea",
    "team ops #3",
    "room_2024 live",
    "vip lounge",
    "beta@testers",
    "kf-001",
    "NightShift",
    "ops/alerts",
    "club:chess",
    "partner-acme",
)


def seeded(seed: int, *parts: object) -> random.Random:
    """A random generator for one part of the data, independent of every other part.

    Args:
        seed: the data seed.
        parts: what the generator is for, e.g. ``("g", 12)``.
    """
    digest = hashlib.blake2b("/".join(map(str, (seed, *parts))).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def plan(groups: int | None = None) -> tuple[tuple[str, int], ...]:
    """How many groups of each type: the default plan, or scaled to ``groups`` in the same proportions.

    The scaled counts are rounded down; what rounding leaves goes to Public. ``DEFAULT_GROUPS`` gives the
    default plan itself.

    Args:
        groups: the total wanted (None: the default plan).

    Raises:
        ValueError: fewer than :data:`MIN_GROUPS`.
    """
    if groups is None:
        return _PLAN
    if groups < MIN_GROUPS:
        raise ValueError(f"a data set needs at least {MIN_GROUPS} groups, not {groups}")
    counts = [(kind, count * groups // DEFAULT_GROUPS) for kind, count in _PLAN]
    counts[0] = (counts[0][0], counts[0][1] + groups - sum(n for _, n in counts))
    return tuple(counts)


def make_groups(seed: int, groups: int | None = None) -> list[Group]:
    """Generate the groups (basic info only) for ``seed``, in ``Next``-cursor order.

    Args:
        seed: the data seed.
        groups: how many (None: the default 2,700; :func:`plan` scales the types).
    """
    rng = seeded(seed, "plan")
    types = [kind for kind, count in plan(groups) for _ in range(count)]
    rng.shuffle(types)
    taken: set[str] = set()
    made = [_make_group(seed, i, kind, taken) for i, kind in enumerate(types)]
    _place_specials(made)
    return made


def _group_id(rng: random.Random, kind: str, taken: set[str]) -> str:
    while True:
        if kind == "Community":
            gid = "@TGS#_@TGS#c" + "".join(rng.choices(_UPPER, k=10))
        elif kind == "AVChatRoom":
            gid = "@TGS#a" + "".join(rng.choices(_ALNUM, k=8))
        elif rng.random() < 0.03:
            gid = f"{rng.choice(_CUSTOM_IDS)}-{rng.randrange(1000)}"
        else:
            gid = "@TGS#" + rng.choice("123") + "".join(rng.choices(_UPPER, k=8))
        if gid not in taken:
            taken.add(gid)
            return gid


def _make_group(seed: int, i: int, kind: str, taken: set[str]) -> Group:
    rng = seeded(seed, "g", i)
    words = names.GROUP_WORDS[rng.choices(_SCRIPTS, weights=_SCRIPT_WEIGHTS)[0]]
    name = rng.choice(words)
    roll = rng.random()
    if roll < 0.3:
        name = f"{name} {rng.choice(words)}"
    elif roll < 0.6:
        name = f"{name} {rng.randrange(1, 100)}"
    created = NOW - rng.randrange(86400, 4 * 365 * 86400)
    info_time = rng.randrange(created, NOW)
    inactive = kind == "Private" and rng.random() < 0.15
    last_msg = 0 if inactive else rng.randrange(info_time, NOW)
    online = 0
    size = min(USER_COUNT - 1, 2 + int(rng.expovariate(1 / _MEAN_SIZE[kind])))
    if kind == "AVChatRoom":
        online = min(900, int(rng.expovariate(1 / 150)))
        size = online + 1 + rng.randrange(20)
    cap = _MAX_MEMBERS[kind]
    if cap:
        size = min(size, cap)
    custom: list[tuple[str, str]] = []
    if rng.random() < 0.6:
        custom = [
            ("Category", rng.choice(("game", "support", "fans", "work", "study"))),
            ("Region", rng.choice(("cn", "sg", "kr", "jp", "de", "us", "id"))),
        ]
        if rng.random() < 0.1:
            custom.append(("Blob", "abc\u0000\u0001"))
    topic = int(kind == "Community" and rng.random() < 0.5)
    return Group(
        index=i,
        group_id=_group_id(rng, kind, taken),
        type=kind,
        name=name,
        introduction=rng.choice(names.INTRODUCTIONS),
        notification=rng.choice(names.NOTIFICATIONS),
        face_url=f"https://img.example.com/group/{i}.png" if rng.random() < 0.5 else "",
        create_time=created,
        info_seq=rng.randrange(1, 60),
        last_info_time=info_time,
        last_msg_time=last_msg,
        next_msg_seq=1 if inactive else rng.randrange(2, 200_000),
        max_member_num=cap,
        apply_join_option=rng.choice(("FreeAccess", "NeedPermission", "DisableApply")),
        invite_join_option=rng.choice(("FreeAccess", "NeedPermission", "DisableInvite")),
        mute_all_member="On" if rng.random() < 0.08 else "Off",
        app_defined_data=custom,
        cursor=4_294_967_296 + i * 104_729 + rng.randrange(104_729),
        size=size,
        online=online,
        support_topic=topic,
        gross_topic_next_msg_seq=rng.randrange(1, 500) if topic else 0,
    )


def _place_specials(groups: list[Group]) -> None:
    """Hostile names, big groups, the big live room, and the showcase user's memberships."""
    plain = [g for g in groups if g.type in ("Public", "ChatRoom")]
    for group, hostile in zip(plain[5::97], names.HOSTILE_NAMES, strict=False):
        group.name = hostile
        group.extra_members.append(0)
    for group, size in zip(plain[8::211], BIG_SIZES, strict=False):
        group.size = size
    live = next(g for g in groups if g.type == "AVChatRoom")
    live.online, live.size = LIVE_ONLINE, LIVE_ONLINE + 40
    for group in groups:
        if group.index % 13 == 0 and 0 not in group.extra_members:
            group.extra_members.append(0)
