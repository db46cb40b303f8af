"""The in-process answer cache's old address: it lives in ``timbot.shared.cache`` beside the Redis one."""

from timbot.shared.cache import SingleFlightCache

__all__ = ["SingleFlightCache"]
