"""The button value: round trip, worst-case size, tampering."""

from __future__ import annotations

import base64
import json
import random
import zlib

import pytest

from timbot.commands.queries import FriendsQuery, GroupQuery, GroupsQuery, JoinedQuery, RoomQuery
from timbot.commands.state import (
    MAX_VALUE,
    NextCursor,
    OffsetCursor,
    PageState,
    TimeCursor,
    advance,
    decode,
    encode,
    first_state,
    fit,
    previous,
)
from timbot.errors import ExpiredError

PRINTABLE = [chr(c) for c in range(0x21, 0x7F)]


def _pack(obj: object) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


def _unpack(value: str) -> dict[str, object]:
    packed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    data: dict[str, object] = json.loads(zlib.decompress(packed))
    return data


STATES = [
    first_state(GroupsQuery()),
    advance(first_state(GroupsQuery(group_type="Public", limit=7)), NextCursor(next=4454685361)),
    advance(first_state(GroupQuery(group_ids=("a", "b"))), OffsetCursor(offset=10)),
    advance(first_state(JoinedQuery(user_id="u", group_type="Community", topics=True)),
            OffsetCursor(offset=20)),
    advance(first_state(RoomQuery(group_id="@TGS#r", mark=1000)), TimeCursor(timestamp=5, skip=25)),
    advance(first_state(FriendsQuery(user_id="u", list_names=("同事", "a&b"))), OffsetCursor(offset=40)),
]


@pytest.mark.parametrize("state", STATES)
def test_round_trip(state: PageState) -> None:
    value = encode(state)
    assert 0 < len(value) <= MAX_VALUE
    assert set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode(value) == state


def test_worst_case_group_ids_are_cut_and_counted() -> None:
    rnd = random.Random(7)
    ids = tuple("@TGS#_" + "".join(rnd.choice(PRINTABLE) for _ in range(58)) for _ in range(500))
    state = advance(first_state(GroupQuery(group_ids=ids)), OffsetCursor(offset=10))
    value = encode(state)
    assert len(value) <= MAX_VALUE
    carried = decode(value).query
    assert isinstance(carried, GroupQuery)
    assert carried.group_ids == ids[: len(carried.group_ids)]
    assert len(carried.group_ids) > 20  # at least the next page and the one after
    assert carried.dropped == 500 - len(carried.group_ids)


def test_short_group_ids_all_fit() -> None:
    ids = tuple(f"@TGS#2J4S{i:05d}" for i in range(500))
    state = advance(first_state(GroupQuery(group_ids=ids)), OffsetCursor(offset=10))
    assert fit(state) == state
    assert decode(encode(state)) == state


def test_worst_case_friend_list_names_fit() -> None:
    rnd = random.Random(3)
    names = tuple("".join(chr(rnd.randrange(0x10000, 0x10FFFF)) for _ in range(7)) for _ in range(32))
    hostile = tuple('"\\' * 15 for _ in range(1)) + tuple(f'"\\"{i:02d}\\"' for i in range(31))
    for lists in (names, hostile):
        query = FriendsQuery(user_id="u" * 32, list_names=lists)
        state = advance(first_state(query), OffsetCursor(offset=10**6))
        assert len(encode(state)) <= MAX_VALUE
        assert decode(encode(state)) == state


def test_long_history_is_bounded_and_previous_restarts_past_it() -> None:
    rnd = random.Random(1)
    state = first_state(RoomQuery(group_id="@TGS#_" + "r" * 58))
    for _ in range(400):
        state = advance(state, TimeCursor(timestamp=rnd.randrange(2**63), skip=rnd.randrange(500)))
    value = encode(state)
    assert len(value) <= MAX_VALUE
    kept = decode(value)
    assert kept.page == 401 and 0 < len(kept.history) < 400
    assert kept.history == state.history[-len(kept.history) :]
    back = kept
    for _ in range(len(kept.history)):
        prev = previous(back)
        assert prev is not None
        assert prev.page == back.page - 1 and prev.cursor == back.history[-1]
        back = prev
    restart = previous(back)
    assert restart == first_state(kept.query)


def test_previous_walks_history_back_to_page_one() -> None:
    state = first_state(GroupsQuery())
    states = [state]
    for n in (11, 22, 33):
        state = advance(state, NextCursor(next=n))
        states.append(state)
    while (prev := previous(state)) is not None:
        state = prev
        assert state == states[state.page - 1]
    assert state.page == 1


def _tamper_cases() -> list[str]:
    good = encode(STATES[1])
    data = _unpack(good)
    cases = [
        "",
        "x" * 2001,
        "not base64!",
        good[:-5],
        good[:10] + ("A" if good[10] != "A" else "B") + good[11:],
        base64.urlsafe_b64encode(b"plain text").decode(),
        _pack({**data, "v": 2}),
        _pack({**data, "v": "1"}),
        _pack({**data, "extra": 1}),
        _pack({**data, "p": -1}),
        _pack({**data, "p": 10**12}),
        _pack({**data, "c": {"k": "n", "n": -4}}),
        _pack({**data, "c": {"k": "o", "o": 20}}),  # an offset cursor on /im-groups
        _pack({**data, "c": {"k": "t", "t": 1, "s": 0}}),
        _pack({**data, "h": [{"k": "o", "o": 0}]}),
        _pack({**data, "h": [{"k": "n", "n": 0}] * 5}),  # more history than pages
        _pack({**data, "q": {"k": "groups", "t": "Secret", "l": 20}}),
        _pack({**data, "q": {"k": "groups", "l": 1000}}),
        _pack({**data, "q": {"k": "joined", "u": "bad user", "l": 20}}),
        _pack({**data, "q": {"k": "help", "c": "/im-groups"}}),
        _pack({**data, "q": {"k": "group", "i": ["a", "a"]}}),
        _pack({**data, "q": {"k": "joined", "u": "u", "s": True, "l": 20}}),
        _pack({**data, "p": True}),
        _pack([1, 2, 3]),
        base64.urlsafe_b64encode(zlib.compress(b"{" * 100_000)).rstrip(b"=").decode(),
        base64.urlsafe_b64encode(zlib.compress(b" " * 10_000_000)).rstrip(b"=").decode(),
    ]
    return cases


@pytest.mark.parametrize("value", _tamper_cases())
def test_tampered_values_expire(value: str) -> None:
    with pytest.raises(ExpiredError):
        decode(value)


def test_page_one_must_start_at_the_beginning() -> None:
    data = _unpack(encode(STATES[0]))
    with pytest.raises(ExpiredError):
        decode(_pack({**data, "c": {"k": "n", "n": 99}}))
