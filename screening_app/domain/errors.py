"""Errors that carry a message meant for the person at the keyboard.

Anything raised as a ``UserError`` is shown as its one-sentence message (CLI exit 2,
a dialog in the GUI); anything else is an unexpected failure and is logged with its
traceback.
"""


class UserError(Exception):
    """Bad input or a refused action, explained in one clear sentence."""


class PermissionDenied(UserError):
    """The signed-in account's role may not do this."""


class AuthenticationFailed(UserError):
    """Wrong user name or password."""


class NotFound(UserError):
    """A record the user named does not exist."""


class RecordImmutable(UserError):
    """An attempt to change a finalised record."""
