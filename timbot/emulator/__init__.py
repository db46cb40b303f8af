"""The built-in Tencent Cloud Chat emulator: the five read APIs over seeded demo data."""

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
