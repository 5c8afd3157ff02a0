"""Errors that a user can fix, reported as one line without a traceback."""


class UserError(Exception):
    """A bad config, a bad input or a missing prerequisite that the user can fix.

    The runner prints ``str(error)`` as a single line (no traceback) and records it
    in the run record; the full traceback only goes to the job log.
    """


class ConfigError(UserError, ValueError):
    """A config value is invalid (unknown method, impossible ``train_size``, ...).

    Also a ``ValueError``, so that scikit-learn-style code which expects one from a bad
    parameter (``check_params`` in a feature step) catches it.
    """


class DataUnavailable(UserError):
    """A dataset cannot be loaded: a Debian package is missing or a source is offline."""
