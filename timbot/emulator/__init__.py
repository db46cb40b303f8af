"""The built-in Tencent Cloud Chat emulator: the five read APIs over seeded demo data.

It plays what Tencent's public documentation says those APIs do; :mod:`timbot.emulator.api` and
:mod:`timbot.emulator.checks` name the pages. Of timbot it uses only ``timbot.tim.usersig``,
``timbot.errors`` and ``timbot.bodylimit`` (``tests/test_layers.py``).
"""

from timbot.emulator.core import (
    DEFAULT_MAX_CALLS,
    DEMO_ADMIN,
    DEMO_KEY,
    DEMO_SDKAPPID,
    CallRecord,
    Emulator,
    Reply,
)
from timbot.emulator.data import DemoData
from timbot.emulator.faults import Faults
from timbot.emulator.model import GROUP_TYPES, Showcase

__all__ = [
    "DEFAULT_MAX_CALLS",
    "DEMO_ADMIN",
    "DEMO_KEY",
    "DEMO_SDKAPPID",
    "GROUP_TYPES",
    "CallRecord",
    "DemoData",
    "Emulator",
    "Faults",
    "Reply",
    "Showcase",
]
