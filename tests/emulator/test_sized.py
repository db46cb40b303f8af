"""Data of a chosen size (``Emulator(groups=N)``, ``timbot emulator --groups N``); the default unchanged."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest

from tests.emulator.conftest import APPID_LIST, free_socket
from timbot.cli import build_parser
from timbot.emulator import DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID, GROUP_TYPES, Emulator
from timbot.emulator.data import DemoData
from timbot.emulator.groups import DEFAULT_GROUPS, MIN_GROUPS, plan
from timbot.tim.usersig import sign

#: sha256 of seed 0's default groups (every field), taken before the generator took a size.
SEED0_GROUPS = "54cd145547b39059a2efd94bd99b16c818de16ae4ab1f3f4e0e34232bba00ac0"


def _digest(data: DemoData) -> str:
    return hashlib.sha256(repr([dataclasses.astuple(g) for g in data.groups]).encode()).hexdigest()


def test_the_default_data_is_unchanged() -> None:
    default = DemoData(seed=0)
    assert len(default.groups) == DEFAULT_GROUPS == 2700
    assert _digest(default) == SEED0_GROUPS
    assert _digest(DemoData(seed=0, groups=2700)) == SEED0_GROUPS  # the default size is the default data
    assert default.showcase.big_group_id == default.big_group().group_id
    assert default.showcase.live_room_id == default.live_room().group_id


@pytest.mark.parametrize("size", [MIN_GROUPS, 5000, 12345])
def test_a_sized_emulator_has_that_many_groups(size: int) -> None:
    emulator = Emulator(seed=0, groups=size)
    groups = emulator.data.groups
    assert len(groups) == size == len(emulator.data.by_id)  # IDs unique
    assert [g.cursor for g in groups] == sorted(g.cursor for g in groups)
    counts = Counter(g.type for g in groups)
    assert set(counts) == set(GROUP_TYPES) and sum(counts.values()) == size
    assert dict(plan(size)) == dict(counts)
    showcase = emulator.data.showcase  # every well-known entry is there
    assert showcase.big_group_id in emulator.data.by_id and showcase.hostile_group_ids


def test_a_sized_data_set_is_deterministic_and_its_first_groups_are_its_own() -> None:
    assert _digest(DemoData(seed=4, groups=3000)) == _digest(DemoData(seed=4, groups=3000))
    assert _digest(DemoData(seed=4, groups=3000)) != _digest(DemoData(seed=5, groups=3000))


def test_too_few_groups_is_refused() -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_GROUPS}"):
        DemoData(groups=MIN_GROUPS - 1)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["emulator", "--port", "8080", "--groups", "10"])
    assert build_parser().parse_args(["emulator", "--port", "8080", "--groups", "100000"]).groups == 100000
    assert build_parser().parse_args(["emulator", "--port", "8080"]).groups is None


def test_100000_groups_are_quick_to_make() -> None:
    started = time.perf_counter()
    data = DemoData(seed=0, groups=100_000)
    assert len(data.groups) == 100_000
    assert time.perf_counter() - started < 30  # about 4 s: basic info only, members are made on demand


def test_timbot_emulator_serves_the_size_it_was_given() -> None:
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "timbot", "emulator", "--port", str(port), "--groups", "4000"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(6)]
        assert any("demo data: 4000 groups" in line for line in banner), banner
        sig = sign(sdkappid=DEMO_SDKAPPID, key=DEMO_KEY, identifier=DEMO_ADMIN)
        query = {"sdkappid": str(DEMO_SDKAPPID), "identifier": DEMO_ADMIN, "random": "1",
                 "contenttype": "json", "usersig": sig}
        for _ in range(500):
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/v4/{APPID_LIST}", params=query,
                                      json={"Limit": 1})
                break
            except httpx.ConnectError:
                time.sleep(0.02)
        assert response.json()["ErrorCode"] == 0 and response.json()["TotalCount"] == 4000
    finally:
        process.terminate()
        process.wait(timeout=15)
