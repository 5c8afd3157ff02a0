"""Errors that a user can fix, reported as one line without a traceback."""


class UserError(Exception):
    """A bad config, a bad input or a missing prerequisite that the user can fix.

    The runner prints ``str(error)`` as a single line (no traceback) and records it
    in the run record; the full traceback only goes to the job log.
    """


class ConfigError(UserError):
    """A config value is invalid (unknown method, impossible ``train_size``, ...)."""


class DataUnavailable(UserError):
    """A dataset cannot be loaded: a Debian package is missing or a source is offline."""
