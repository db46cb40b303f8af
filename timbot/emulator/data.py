"""The emulator's demo data: a deterministic Tencent Chat app generated from a seed, filled in lazily."""

from __future__ import annotations

from functools import cached_property

from cachetools import LRUCache

from timbot.emulator import names
from timbot.emulator.groups import BIG_SIZES, LIVE_ONLINE, NOW, USER_COUNT, make_groups, seeded
from timbot.emulator.model import GROUP_TYPES, FriendList, Group, Member, OnlineMember, Showcase

__all__ = ["NOW", "SHOWCASE_USER", "USER_COUNT", "DemoData"]

SHOWCASE_USER = "leckie"


class DemoData:
    """A generated Chat app: groups of all six types, users, memberships, live rooms and friend lists.

    Group basic info is made at construction (fast); members, viewers and friend lists are generated
    on first use from per-group and per-user seeds, so any part reads the same for the same ``seed``.

    Args:
        seed: the generation seed; the same seed always gives the same data.
        sdkappid: reported as each group's ``Appid``.
        groups: how many groups (None: the default 2,700); the six types keep the default's proportions.
            The default data is the same with or without ``groups=2700``.

    Raises:
        ValueError: ``groups`` is under :data:`~timbot.emulator.groups.MIN_GROUPS`.
    """

    def __init__(self, *, seed: int = 0, sdkappid: int = 1400000000, groups: int | None = None) -> None:
        self.seed = seed
        self.sdkappid = sdkappid
        self.users: list[str] = self._make_users()
        self.user_index: dict[str, int] = {user: i for i, user in enumerate(self.users)}
        self.groups: list[Group] = make_groups(seed, groups)
        self.by_id: dict[str, Group] = {group.group_id: group for group in self.groups}
        self._indices: dict[int, list[int]] = {}
        self._members: LRUCache[int, list[Member]] = LRUCache(maxsize=256)
        self._online: LRUCache[int, list[OnlineMember]] = LRUCache(maxsize=64)

    # -- users --------------------------------------------------------------------------------------
    def _make_users(self) -> list[str]:
        rng = seeded(self.seed, "users")
        users = [SHOWCASE_USER, "peter", "107867"]
        while len(users) < USER_COUNT:
            i = len(users)
            first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
            pattern = rng.randrange(5)
            user = (
                f"{first}_{last}{i}",
                f"{first}-{last}-{i}",
                f"{first}{i}",
                f"{last}_{first}_{i}",
                f"user_{i:05d}",
            )[pattern]
            users.append(user[:32])
        return users

    # -- members ------------------------------------------------------------------------------------
    def member_indices(self, group: Group) -> list[int]:
        """User indices of the group's members; position 0 is the owner, then the admins."""
        cached = self._indices.get(group.index)
        if cached is None:
            rng = seeded(self.seed, "m", group.index)
            sample = [u for u in rng.sample(range(USER_COUNT), group.size) if u not in group.extra_members]
            for user in group.extra_members:
                sample.insert(min(len(sample), group.index % 7), user)
            self._indices[group.index] = cached = sample
        return cached

    def owner(self, group: Group) -> str:
        """The group owner's account."""
        return self.users[self.member_indices(group)[0]]

    @staticmethod
    def _role(group: Group, position: int) -> str:
        admins = min(5, 1 + group.size // 200) if group.size >= 3 else 0
        return "Owner" if position == 0 else "Admin" if position <= admins else "Member"

    def member(self, group: Group, position: int) -> Member:
        """The member at ``position`` in the group (generated from its own seed)."""
        rng = seeded(self.seed, "d", group.index, position)
        account = self.users[self.member_indices(group)[position]]
        joined = rng.randrange(group.create_time, NOW) if position else group.create_time
        sent = 0 if rng.random() < 0.3 else rng.randrange(joined, NOW + 1)
        card = ""
        if rng.random() < 0.3:
            card = f"{rng.choice(names.NICK_PREFIXES)}{rng.choice(names.FIRST_NAMES).title()}"
        custom: tuple[tuple[str, str], ...] = ()
        if rng.random() < 0.5:
            custom = (("Level", str(rng.randrange(1, 60))), ("Badge", rng.choice(("gold", "silver", "new"))))
        return Member(
            account=account,
            role=self._role(group, position),
            join_time=joined,
            msg_seq=rng.randrange(0, max(1, group.next_msg_seq)),
            msg_flag=rng.choices(("AcceptAndNotify", "AcceptNotNotify", "Discard"), weights=(85, 12, 3))[0],
            last_send_msg_time=sent,
            mute_until=NOW + rng.randrange(60, 7 * 86400) if rng.random() < 0.05 else 0,
            name_card=card,
            app_member_defined_data=custom,
        )

    def members(self, group: Group) -> list[Member]:
        """All members of the group, owner first."""
        cached = self._members.get(group.index)
        if cached is None:
            cached = [self.member(group, p) for p in range(len(self.member_indices(group)))]
            self._members[group.index] = cached
        return cached

    def online_members(self, group: Group) -> list[OnlineMember]:
        """The online viewers of a live room (or community), most recently joined first."""
        cached = self._online.get(group.index)
        if cached is None:
            rng = seeded(self.seed, "o", group.index)
            marks = self.marks(group)
            joined = NOW - rng.randrange(0, 120)
            cached = []
            count = group.online if group.type == "AVChatRoom" else min(50, group.size // 3)
            for user in self.member_indices(group)[1 : 1 + count]:
                account = self.users[user]
                nick = f"{rng.choice(names.NICK_PREFIXES)}{rng.choice(names.FIRST_NAMES).title()}"
                avatar = f"https://avatar.example.com/{account}.png" if rng.random() < 0.8 else ""
                own = tuple(m for m in marks if rng.random() < 0.12)
                cached.append(
                    OnlineMember(account=account, join_time=joined, nick_name=nick, avatar=avatar, marks=own)
                )
                joined -= rng.randrange(1, 30)
            self._online[group.index] = cached
        return cached

    def marks(self, group: Group) -> tuple[int, ...]:
        """The member marks (>= 1000) in use in a live room."""
        if group.type != "AVChatRoom":
            return ()
        rng = seeded(self.seed, "marks", group.index)
        count = 3 if group.online >= LIVE_ONLINE else rng.randrange(0, 3)
        return tuple(sorted(rng.sample((1000, 1001, 1002, 1010, 2000), count)))

    @cached_property
    def joined_index(self) -> dict[int, list[tuple[Group, int]]]:
        """User index -> (group, position) of every membership (built on first use)."""
        index: dict[int, list[tuple[Group, int]]] = {}
        for group in self.groups:
            for position, user in enumerate(self.member_indices(group)):
                index.setdefault(user, []).append((group, position))
        return index

    # -- friends ------------------------------------------------------------------------------------
    def friend_lists(self, user: str) -> tuple[list[FriendList], int]:
        """The user's friend lists (at most 32) and their ``CurrentSequence``."""
        me = self.user_index[user]
        rng = seeded(self.seed, "f", me)
        count = 32 if user == SHOWCASE_USER else rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 8))
        list_names = rng.sample(names.FRIEND_LIST_NAMES, count)
        lists = []
        for name in list_names:
            size = rng.randrange(0, 26) if rng.random() < 0.9 else 0
            friends = [self.users[u] for u in rng.sample(range(USER_COUNT), size) if u != me]
            lists.append(FriendList(name=name, friends=tuple(friends)))
        return lists, count + rng.randrange(0, 300)

    # -- showcase -----------------------------------------------------------------------------------
    def _big_groups(self) -> list[Group]:
        return sorted((g for g in self.groups if g.size >= min(BIG_SIZES)), key=lambda g: -g.size)

    def big_group(self) -> Group:
        """The biggest group (as ``showcase.big_group_id``, without walking the memberships)."""
        return self._big_groups()[0]

    def live_room(self) -> Group:
        """The big live room (as ``showcase.live_room_id``, without walking the memberships)."""
        return next(g for g in self.groups if g.online >= LIVE_ONLINE)

    @cached_property
    def showcase(self) -> Showcase:
        """Well-known entries (built on first use; it walks the memberships)."""
        big = self._big_groups()
        live = self.live_room()
        hostile = [g for g in self.groups if g.name in names.HOSTILE_NAMES]
        lists, _ = self.friend_lists(SHOWCASE_USER)
        counts = {kind: sum(1 for g in self.groups if g.type == kind) for kind in GROUP_TYPES}
        return Showcase(
            big_group_id=big[0].group_id,
            big_group_members=len(self.member_indices(big[0])),
            big_group_ids=tuple(g.group_id for g in big),
            live_room_id=live.group_id,
            live_room_online=live.online,
            live_room_marks=self.marks(live),
            hostile_group_id=next(g.group_id for g in hostile if g.name == "<!channel>"),
            hostile_group_ids=tuple(g.group_id for g in hostile),
            custom_group_id=next(g.group_id for g in self.groups if not g.group_id.startswith("@TGS#")),
            community_group_id=next(g.group_id for g in self.groups if g.support_topic),
            inactive_group_id=next(g.group_id for g in self.groups if g.type == "Private" and not g.active),
            user=SHOWCASE_USER,
            user_groups=len(self.joined_index[0]),
            user_friend_lists=len(lists),
            user_friends=len({f for fl in lists for f in fl.friends}),
            type_counts=counts,
        )
