"""Pages, help and errors -> Slack Block Kit messages (pure; limits and escaping in one place)."""

from timbot.render.errors import error_message
from timbot.render.escape import escape
from timbot.render.message import Message
from timbot.render.page import render_page

__all__ = ["Message", "error_message", "escape", "render_page"]
