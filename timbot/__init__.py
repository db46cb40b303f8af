"""timbot: Slack slash commands that answer questions about a Tencent Cloud Chat application."""

__version__ = "0.1.0"
