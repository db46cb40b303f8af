"""The in-process pacer's old address: it lives in ``timbot.shared.pacing`` beside the Redis one."""

from timbot.shared.pacing import Pacer

__all__ = ["Pacer"]
