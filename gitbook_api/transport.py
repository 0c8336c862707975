"""The HTTP side of the client: one choke point that sends, paces, retries and decodes.

Retry policy (see ``Transport.request``):

- GET, HEAD, OPTIONS, PUT and DELETE are retried on 5xx, timeouts and dropped
  connections. DELETE is included because the API makes it idempotent: 205
  "deleted" and 204 "did not exist" both mean the space is gone. The price is
  that a delete whose 205 was lost answers 204 on the retry.
- Any method is retried when the connection could not be opened at all
  (refused, DNS failure, connect timeout): the request never left.
- POST and PATCH are never resent once they may have reached the server
  (read timeout, dropped connection, 5xx): the caller gets
  ``TransportError(sent=True)`` or ``ServerError`` and checks the outcome.
- 429 never took effect, so any method waits (``Retry-After``, else until
  ``X-RateLimit-Reset``) and retries, unless the wait exceeds
  ``max_rate_limit_wait``: then ``RateLimited(retry_after)`` is raised so a
  worker can reschedule instead of blocking.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from .errors import (
    GitBookError,
    RateLimited,
    ServerError,
    TransportError,
    error_from_response,
)

logger = logging.getLogger("gitbook_api")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
TRANSIENT_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

TimeoutSeconds = float | tuple[float, float]
"""A timeout for the whole call, or (connect, read)."""


@dataclass(frozen=True)
class RateLimitInfo:
    """The API's ``X-RateLimit-*`` headers: calls allowed, left, and when the window resets."""

    limit: int
    remaining: int
    reset: float  # UTC epoch seconds

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitInfo | None:
        try:
            return cls(
                limit=int(headers["X-RateLimit-Limit"]),
                remaining=int(headers["X-RateLimit-Remaining"]),
                reset=float(headers["X-RateLimit-Reset"]),
            )
        except (KeyError, ValueError):
            return None


class Pacer(Protocol):
    """A rate limiter shared between processes (the console keeps one in Redis)."""

    def before_request(self, method: str, path: str) -> None:
        """Called before every attempt; may block to pace the caller."""

    def after_response(self, info: RateLimitInfo | None, status: int) -> None:
        """Called after every HTTP answer with its rate-limit headers, if any."""


@dataclass(frozen=True)
class ApiResponse:
    """A successful answer: status, decoded JSON (None for 204/205 or no body), headers."""

    status: int
    data: Any
    headers: Mapping[str, str]


class BearerAuth(requests.auth.AuthBase):
    """Adds the token to each request and keeps it out of reprs."""

    def __init__(self, token: str):
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(token=***)"


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def parse_rate_limit_reset(value: str | None, *, now: float) -> float | None:
    """Seconds until ``X-RateLimit-Reset`` (UTC epoch seconds)."""
    try:
        reset = float(value) if value else None
    except ValueError:
        return None
    if reset is None:
        return None
    # A small number cannot be an epoch; some proxies send seconds-until-reset.
    if reset < 1_000_000_000:
        return max(0.0, reset)
    return max(0.0, reset - now)


def never_reached_server(exc: requests.RequestException) -> bool:
    """True when the connection could not even be opened, so nothing was sent."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        cause = exc.args[0]
        if isinstance(cause, MaxRetryError):
            # NewConnectionError covers refused connections and DNS failures.
            return isinstance(cause.reason, NewConnectionError | ConnectTimeoutError)
    return False


def segment(value: str) -> str:
    """One path segment, escaped so an id can never change the path."""
    return quote(str(value), safe="")


def clean_query(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Drop None values and spell booleans the way the API reads them."""
    query: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            query[key] = [_query_value(item) for item in value]
        else:
            query[key] = _query_value(value)
    return query


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class Transport:
    """Sends requests to the API with auth, timeouts, pacing and retries."""

    def __init__(
        self,
        *,
        token: str,
        base_url: str,
        timeout: TimeoutSeconds,
        max_retries: int,
        max_rate_limit_wait: float,
        backoff_base: float,
        backoff_max: float,
        session: requests.Session | None,
        pacer: Pacer | None,
        user_agent: str,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        rng: random.Random,
    ):
        if not token:
            raise ValueError("a GitBook API token is required")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.session = session if session is not None else requests.Session()
        self.pacer = pacer
        self.user_agent = user_agent
        self.rate_limit: RateLimitInfo | None = None
        self._auth = BearerAuth(token)
        self._sleep = sleep
        self._clock = clock
        self._rng = rng

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        timeout: TimeoutSeconds | None = None,
    ) -> ApiResponse:
        method = method.upper()
        if not path.startswith("/"):
            path = "/" + path
        idempotent = method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            can_retry = attempt <= self.max_retries
            try:
                response = self._send(method, path, params, json, timeout, idempotent)
            except TransportError as error:
                if not (error.retryable and can_retry):
                    raise
                delay = self._backoff(attempt)
                reason = "no answer"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return ApiResponse(status, self._decode(response), response.headers)
                error = self._error(response, idempotent, attempt)
                delay = self._retry_delay(error, attempt) if can_retry else None
                if delay is None:
                    raise error
                reason = str(status)
            logger.warning("%s %s: %s; retrying in %.1f s", method, path, reason, delay)
            self._sleep(delay)

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        json: Any,
        timeout: TimeoutSeconds | None,
        idempotent: bool,
    ) -> requests.Response:
        """One attempt: pace, send, record the rate limit, log. No answer: TransportError."""
        if self.pacer is not None:
            self.pacer.before_request(method, path)
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params=clean_query(params),
                json=json,
                headers={"User-Agent": self.user_agent, "Accept": "application/json"},
                auth=self._auth,
                timeout=timeout if timeout is not None else self.timeout,
            )
        except requests.RequestException as exc:
            elapsed_ms = (time.monotonic() - started) * 1000
            logger.warning(
                "%s %s failed (%s) after %.0f ms", method, path, type(exc).__name__, elapsed_ms
            )
            raise self._transport_error(exc, method, path, idempotent) from None
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, elapsed_ms)
        info = RateLimitInfo.from_headers(response.headers)
        if info is not None:
            self.rate_limit = info
        if self.pacer is not None:
            self.pacer.after_response(info, response.status_code)
        return response

    def _retry_delay(self, error: GitBookError, attempt: int) -> float | None:
        """How long to wait before sending the call again, or None not to."""
        if isinstance(error, RateLimited):
            if error.retry_after > self.max_rate_limit_wait:
                return None
            # A little jitter so workers woken by the same reset do not stampede.
            return error.retry_after + self._rng.uniform(0, min(1.0, error.retry_after * 0.1))
        if isinstance(error, ServerError) and error.retryable:
            return self._backoff(attempt)
        return None

    def _decode(self, response: requests.Response) -> Any:
        if response.status_code in (204, 205) or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise GitBookError(
                f"GitBook answered {response.status_code} with a body that is not JSON",
                status=response.status_code,
            ) from None

    def _error(self, response: requests.Response, idempotent: bool, attempt: int) -> GitBookError:
        retry_after = None
        if response.status_code == 429:
            retry_after = self._rate_limit_wait(response, attempt)
        return error_from_response(
            response, idempotent=idempotent, retry_after=retry_after, redact=self._auth.token
        )

    def _transport_error(
        self, exc: requests.RequestException, method: str, path: str, idempotent: bool
    ) -> TransportError:
        sent = not never_reached_server(exc)
        transient = isinstance(exc, TRANSIENT_TRANSPORT_ERRORS)
        detail = str(exc).replace(self._auth.token, "***")
        return TransportError(
            f"{method} {path}: no answer from GitBook ({type(exc).__name__}: {detail})",
            sent=sent,
            retryable=transient and (idempotent or not sent),
        )

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: between half and all of base * 2^(attempt-1)."""
        delay = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return self._rng.uniform(delay / 2, delay)

    def _rate_limit_wait(self, response: requests.Response, attempt: int) -> float:
        now = self._clock()
        wait = parse_retry_after(response.headers.get("Retry-After"), now=now)
        if wait is None:
            wait = parse_rate_limit_reset(response.headers.get("X-RateLimit-Reset"), now=now)
        if wait is None:
            wait = self._backoff(attempt)
        return wait


__all__ = [
    "ApiResponse",
    "BearerAuth",
    "IDEMPOTENT_METHODS",
    "Pacer",
    "RateLimitInfo",
    "Transport",
    "segment",
]
