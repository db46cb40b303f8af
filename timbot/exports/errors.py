"""The exports' branch of the error tree (drawn in ``timbot.errors``): refusals, Slack's delivery errors."""

from __future__ import annotations

from timbot.errors import TimbotError, scrub

__all__ = ["DeliveryError", "ExportBusy", "ExportError", "ExportTooLarge"]


class ExportError(TimbotError):
    """A CSV export cannot start or be delivered."""

    audit_outcome = "export"
    icon = ":warning:"
    block_key = "export"

    def user_text(self) -> str:
        """A generic sentence (the subclasses say more)."""
        return "the export could not be made; try again in a minute."


class ExportTooLarge(ExportError):
    """The result has more rows than an export writes (refused before the walk).

    Args:
        size: the result's size as Tencent counts it.
        limit: the most rows an export writes.
        narrow: how to ask for less (``add a group type, e.g. /im-groups Public --csv``).
    """

    audit_outcome = "export:size"

    def __init__(self, *, size: int, limit: int, narrow: str) -> None:
        self.size = size
        self.limit = limit
        self.narrow = narrow
        super().__init__(f"{size} rows, more than {limit}")

    def user_text(self) -> str:
        """The size, the bound and how to narrow the result."""
        return (f"this result has {self.size:,} rows, more than an export writes ({self.limit:,}); "
                f"{self.narrow}")


class ExportBusy(ExportError):
    """The user already has an export running (one at a time per user).

    Args:
        progress: where the running one is, in words (``1,200 of 5,000 rows``).
    """

    audit_outcome = "export:busy"

    def __init__(self, progress: str) -> None:
        self.progress = progress
        super().__init__(progress)

    def user_text(self) -> str:
        """The running export's progress."""
        return (f"you already have an export running ({self.progress}); its file will arrive in your "
                "direct message with timbot. Cancel it there to start another.")


class DeliveryError(ExportError):
    """Slack refused a step of the delivery (the DM, the progress message or the file).

    Args:
        method: the Web API method, e.g. ``files.completeUploadExternal``.
        error: Slack's ``error`` string (``not_in_channel``) or an HTTP status.
    """

    audit_outcome = "export:slack"

    def __init__(self, *, method: str, error: str) -> None:
        self.method = method
        self.error = scrub(error)[:100]
        super().__init__(f"{method}: {self.error}")

    def user_text(self) -> str:
        """Which step Slack refused, with its error."""
        return f"Slack refused {self.method} ({self.error}); try the export again in a minute."
