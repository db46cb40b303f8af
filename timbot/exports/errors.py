"""The exports' branch of the error tree (drawn in ``timbot.errors``): refusals, Slack's delivery errors."""

from __future__ import annotations

from timbot.errors import TimbotError, scrub
from timbot.i18n import _, number

__all__ = ["DeliveryError", "ExportBusy", "ExportError", "ExportTooLarge"]


class ExportError(TimbotError):
    """A CSV export cannot start or be delivered."""

    audit_outcome = "export"
    icon = ":warning:"
    block_key = "export"

    def user_text(self) -> str:
        """A generic sentence (the subclasses say more)."""
        return _("the export could not be made; try again in a minute.")


class ExportTooLarge(ExportError):
    """The result has more rows than an export writes (refused before the walk).

    Args:
        size: the result's size as Tencent counts it.
        limit: the most rows an export writes.
        narrow: how to ask for less (an English message id, marked ``N_``: shown in the reader's language).
    """

    audit_outcome = "export:size"

    def __init__(self, *, size: int, limit: int, narrow: str) -> None:
        self.size = size
        self.limit = limit
        self.narrow = narrow
        super().__init__(f"{size} rows, more than {limit}")

    def user_text(self) -> str:
        """The size, the bound and how to narrow the result."""
        return _("this result has {size} rows, more than an export writes ({limit}); {narrow}").format(
            size=number(self.size), limit=number(self.limit), narrow=_(self.narrow))


class ExportBusy(ExportError):
    """The user already has an export running (one at a time per user).

    Args:
        progress: where the running one is, in words (``1,200 of 5,000 rows``), already in the reader's
            language (it is made while answering).
    """

    audit_outcome = "export:busy"

    def __init__(self, progress: str) -> None:
        self.progress = progress
        super().__init__(progress)

    def user_text(self) -> str:
        """The running export's progress."""
        return _("you already have an export running ({progress}); its file will arrive in your "
                 "direct message with timbot. Cancel it there to start another.").format(
                     progress=self.progress)


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
        return _("Slack refused {method} ({error}); try the export again in a minute.").format(
            method=self.method, error=self.error)
