"""Slack wiring: the Bolt AsyncApp, authorisation, response_url answers, audit, serving."""

from timbot.slack.app import build_app

__all__ = ["build_app"]
