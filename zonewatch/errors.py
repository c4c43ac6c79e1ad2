"""Errors a user can act on: the CLI prints their message in one line instead of a traceback."""


class UserError(Exception):
    pass
