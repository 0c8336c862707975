"""The exceptions the GitBook client raises, one per kind of failure.

Every exception is a ``GitBookError`` carrying the API's own ``error.message``
(or a clear text when the body is not GitBook's error shape), the HTTP status
when there was one, and ``retryable``: the failure is transient *and* sending
the same call again is safe. A non-idempotent call (POST, PATCH) that failed
with a 5xx, or with ``TransportError(sent=True)``, may have taken effect:
check the outcome before sending it again.
"""

from __future__ import annotations

from typing import Any

import requests


class GitBookError(Exception):
    """Any failure talking to the GitBook API."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable

    def __str__(self) -> str:
        if self.status is None:
            return self.message
        return f"{self.message} (HTTP {self.status})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class BadRequest(GitBookError):
    """400 or 422: the API refused the input; the message says why."""


class Unauthorized(GitBookError):
    """401: the token is missing, malformed or revoked."""


class Forbidden(GitBookError):
    """403: the token's user lacks the right for this call."""


class NotFound(GitBookError):
    """404: no such object, or the operation does not exist in this API version."""


class Conflict(GitBookError):
    """409: the call would change nothing (move or transfer to where it already is)."""


class PreconditionFailed(GitBookError):
    """412: the object cannot be changed this way (a space that cannot be transferred).

    Not a ``Conflict``: a caller treating 409 as "already done" must not treat
    412 as done.
    """


class RateLimited(GitBookError):
    """429: over the rate limit; ``retry_after`` is how many seconds to wait."""

    def __init__(self, message: str, *, retry_after: float, status: int = 429):
        super().__init__(message, status=status, retryable=True)
        self.retry_after = retry_after


class ServerError(GitBookError):
    """5xx: GitBook's fault, usually transient."""


class TransportError(GitBookError):
    """No HTTP answer: connection refused or dropped, DNS failure, timeout.

    ``sent`` is False only when the request surely never reached the server
    (the connection could not be opened); otherwise it may have been applied.
    """

    def __init__(self, message: str, *, sent: bool, retryable: bool = False):
        super().__init__(message, status=None, retryable=retryable)
        self.sent = sent


_ERRORS_BY_STATUS: dict[int, type[GitBookError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    422: BadRequest,
}


def api_message(body: Any) -> str | None:
    """The ``error.message`` of a decoded GitBook error body, if it has one."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if not isinstance(error, dict):
        return None
    message = error.get("message")
    if isinstance(message, str) and message.strip():
        return message
    return None


def error_from_response(
    response: requests.Response,
    *,
    idempotent: bool,
    retry_after: float | None = None,
    redact: str = "",
) -> GitBookError:
    """Turn an error response into the matching exception.

    ``idempotent`` says whether repeating the call is safe, which decides
    ``retryable`` for a 5xx. ``redact`` is removed from the message so the
    token can never be echoed back into a log line.
    """
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    message = api_message(body)
    if message is None:
        reason = (response.reason or "").strip()
        message = f"GitBook answered {status}{' ' + reason if reason else ''}"
        message += " with a body that is not a GitBook error"
    if redact:
        message = message.replace(redact, "***")

    if status == 429:
        return RateLimited(message, retry_after=retry_after or 0.0)
    if status >= 500:
        return ServerError(message, status=status, retryable=idempotent)
    error_class = _ERRORS_BY_STATUS.get(status, GitBookError)
    return error_class(message, status=status)
