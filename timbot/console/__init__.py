"""The terminal front ends: the Block Kit renderer, ``timbot demo``, ``timbot run`` and ``timbot check``."""
