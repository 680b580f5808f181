"""The errors dateline raises on purpose, each naming what was wrong."""

from __future__ import annotations


class DatelineError(Exception):
    """Base of dateline's own errors: a message meant for a person."""


class InvalidItem(DatelineError):
    """An item (a file, a feed entry) that cannot be turned into an article.

    ``source`` names the file or item, ``field`` the field at fault when there is one.
    """

    def __init__(self, source: str, message: str, field: str | None = None) -> None:
        self.source = source
        self.field = field
        self.message = message
        where = f"{source}: field '{field}'" if field else source
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[InvalidItem], tuple[str, str, str | None]]:
        # rebuilt from its parts (the default would pass the joined text as ``source``):
        # it crosses from the feed reader's worker processes
        return (type(self), (self.source, self.message, self.field))


class NotFound(DatelineError):
    """A thing asked for by key that the store does not hold."""


class StoreUnavailable(DatelineError):
    """The database cannot be opened or is locked; the message says which and why."""


class EditConflict(DatelineError):
    """Someone saved the article since this edit began: nothing was overwritten."""


class NotAllowed(DatelineError):
    """The signed-in user's role does not allow the action."""
