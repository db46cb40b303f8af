"""Fixtures of the export tests: the production client on an in-process emulator whose data they read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.tim.client import TimClient


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(enforce_rate_limits=False)


@pytest.fixture
async def tim(emulator: Emulator) -> AsyncIterator[TimClient]:
    async with TimClient(sdkappid=DEMO_SDKAPPID, secret_key=DEMO_KEY, base_url="http://emulator.test",
                         transport=emulator.transport()) as client:
        yield client
