"""Map requests/urllib3 exceptions to FetchResult error kinds."""
from __future__ import annotations

from typing import Iterator

import requests
import urllib3
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError, ReadTimeoutError

__all__ = ["TRANSPORT_ERRORS", "attempts_of", "classify", "exception_chain"]

# What a request or a body read may raise for network trouble.
TRANSPORT_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, OSError)


def classify(exc: BaseException) -> tuple[str, str]:
    """(error_kind, short description) for a transport exception."""
    chain = list(exception_chain(exc))
    for err in chain:
        if isinstance(err, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                            requests.exceptions.InvalidSchema, urllib3.exceptions.LocationParseError)):
            return "invalid_url", str(err)
    for err in chain:
        if isinstance(err, NewConnectionError):   # subclasses ConnectTimeoutError, yet is no timeout
            return "connection", describe(err)
    for err in chain:
        if isinstance(err, (ConnectTimeoutError, ReadTimeoutError, requests.Timeout, TimeoutError)):
            return "timeout", describe(err)
    return "connection", describe(chain[-1])


def describe(err: BaseException) -> str:
    text = str(err)
    # urllib3 prefixes messages with "<HTTPConnection(...) object at 0x…>: "; drop it.
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (args, causes, MaxRetryError.reason), breadth first."""
    todo, seen = [exc], set()
    while todo:
        err = todo.pop(0)
        if id(err) in seen:
            continue
        seen.add(id(err))
        yield err
        if isinstance(err, MaxRetryError) and err.reason is not None:
            todo.append(err.reason)
        todo.extend(a for a in err.args if isinstance(a, BaseException))
        todo.extend(e for e in (err.__cause__, err.__context__) if e is not None)


def attempts_of(exc: BaseException, *, default: int) -> int:
    """Attempts noted by the retry policy on the exception it gave up with (see client)."""
    for err in exception_chain(exc):
        attempts = getattr(err, "zonewatch_attempts", None)
        if attempts:
            return attempts
    return default
