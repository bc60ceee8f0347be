"""Careful GET requests: timeouts, a response size cap, pacing, bounded retries.

One `Transport` per server. The HTTP client itself is a maintained one handed in by the caller
(`huggingface_hub.get_session()` for Hugging Face, an `httpx.Client` for arXiv); this module adds
only what those clients leave to their users:

- every request has a timeout, and a body larger than `max_bytes` is refused while streaming;
- pacing: at least `min_interval` seconds between requests (arXiv asks for 3 s) and at most
  `window_quota` requests per `window` seconds (Hugging Face: 500 per 5 minutes anonymously);
  a `RateLimit: "api";r=0;t=N` header also waits N seconds before the next request;
- 429 waits for `Retry-After` (or the `RateLimit` reset); timeouts, dropped connections and 5xx
  are retried with exponential backoff, `retries` times at most;
- a server that has never answered and refuses or cannot be reached fails at once with
  `ServerUnreachable` (one line naming it), instead of backing off for minutes; so does one that
  refuses `max_refusals` requests in a row (a wrong endpoint or a proxy answering 404 to all).
"""

from __future__ import annotations

import email.utils
import importlib
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

__all__ = [
    "Limits",
    "NetworkError",
    "RateLimited",
    "Response",
    "ResponseError",
    "ServerUnreachable",
    "Transport",
]


class NetworkError(Exception):
    """Base of everything a request can fail with; the message is one line for the user."""


class ServerUnreachable(NetworkError):
    """No connection could be made to the server (or it kept failing): stop the run."""


class RateLimited(NetworkError):
    """The server asks to wait longer than this run is willing to."""


class ResponseError(NetworkError):
    """One response was unusable (bad status, too large, malformed): that request failed."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Limits:
    """How patient and how polite one server's transport is."""

    timeout: float = 15.0
    connect_timeout: float = 5.0
    max_bytes: int = 16 * 1024 * 1024
    retries: int = 3
    backoff: float = 1.0  # first retry waits this long, then doubles
    max_backoff: float = 30.0
    max_wait: float = 300.0  # longest Retry-After honoured; longer means RateLimited
    min_interval: float = 0.0
    window_quota: int | None = None
    window: float = 300.0
    max_refusals: int = 5  # error statuses in a row before the server counts as unusable


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str]
    next_url: str | None = None  # the `Link: <…>; rel="next"` target, if any


_RATELIMIT_RESET = re.compile(r"\bt=(\d+)")
_RATELIMIT_REMAINING = re.compile(r"\br=(\d+)")


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or an HTTP date), else the `RateLimit` reset."""
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - (now if now is not None else time.time()))
    reset = _RATELIMIT_RESET.search(headers.get("ratelimit", ""))
    return float(reset.group(1)) if reset else None


class Transport:
    """Paced, capped, retried GETs against one server (thread-safe: one request at a time)."""

    def __init__(
        self,
        name: str,
        client: Any,
        *,
        headers: Mapping[str, str] | None = None,
        limits: Limits = Limits(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.client = client
        self.headers = dict(headers or {})
        self.limits = limits
        self.sleep = sleep
        self.clock = clock
        self.requests = 0  # requests sent, retries included (the budget the providers count)
        self.waited = 0.0  # seconds spent pacing and backing off
        self.answered = False
        self.refusals = 0  # error answers in a row
        self._errors = _errors_module(client)
        self._last: float | None = None
        self._not_before = 0.0
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ pacing
    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)

    def _pace(self) -> None:
        limits = self.limits
        now = self.clock()
        wait = self._not_before - now
        if self._last is not None and limits.min_interval:
            wait = max(wait, self._last + limits.min_interval - now)
        if limits.window_quota:
            while self._recent and self._recent[0] <= now - limits.window:
                self._recent.popleft()
            if len(self._recent) >= limits.window_quota:
                wait = max(wait, self._recent[0] + limits.window - now)
        self._wait(wait)
        self._last = self.clock()
        if limits.window_quota:
            self._recent.append(self._last)

    # ------------------------------------------------------------------ requests
    def get(self, url: str, params: Mapping[str, Any] | None = None, *, ok: tuple[int, ...] = (200,)) -> Response:
        """GET `url`; a status outside `ok` (after retries) raises `ResponseError`."""
        with self._lock:
            return self._get(url, params, ok)

    def _get(self, url: str, params: Mapping[str, Any] | None, ok: tuple[int, ...]) -> Response:
        limits = self.limits
        attempt = 0
        while True:
            self._pace()
            self.requests += 1
            try:
                response = self._send(url, params)
            except ResponseError:
                raise
            except self._errors.TimeoutException as exc:
                if not self.answered and isinstance(exc, self._errors.ConnectTimeout):
                    raise ServerUnreachable(f"{self.name} not reachable (connection timed out)") from None
                problem = "timed out"
            except self._errors.TransportError as exc:
                if not self.answered:
                    raise ServerUnreachable(f"{self.name} not reachable ({_short(exc)})") from None
                problem = f"connection failed ({_short(exc)})"
            except OSError as exc:  # e.g. the Hub client's offline mode (HF_HUB_OFFLINE=1)
                raise ServerUnreachable(f"{self.name}: {_short(exc)}") from None
            else:
                self.answered = True
                self._note_quota(response.headers)
                if response.status in ok:
                    return response  # the caller says `accepted()` once it could read it
                if response.status == 429:
                    wait = retry_after(response.headers)
                    wait = limits.backoff * 2**attempt if wait is None else wait
                    if wait > limits.max_wait:
                        raise RateLimited(f"{self.name} rate limit: asked to wait {wait:.0f} s")
                    if attempt >= limits.retries:
                        raise RateLimited(f"{self.name} rate limit: still refused after {attempt + 1} tries")
                    attempt += 1
                    self._wait(wait)
                    continue
                if response.status < 500:
                    self.refused(f"HTTP {response.status}")
                    raise ResponseError(f"{self.name} answered HTTP {response.status}", response.status)
                problem = f"HTTP {response.status}"
            if attempt >= limits.retries:
                if not self.answered:
                    raise ServerUnreachable(f"{self.name} not reachable ({problem})")
                self.refused(problem)
                raise ResponseError(f"{self.name}: {problem} after {attempt + 1} tries")
            self._wait(min(limits.max_backoff, limits.backoff * 2**attempt))
            attempt += 1

    def accepted(self) -> None:
        """The last answer was usable: the count of refusals in a row starts again."""
        self.refusals = 0

    def refused(self, problem: str) -> None:
        """Count an unusable answer; too many in a row means the server is not the one we want."""
        self.refusals += 1
        if self.refusals >= self.limits.max_refusals:
            raise ServerUnreachable(f"{self.name} refused {self.refusals} requests in a row ({problem}); "
                                    "is the address right?")

    def _send(self, url: str, params: Mapping[str, Any] | None) -> Response:
        limits = self.limits
        timeout = self._errors.Timeout(limits.timeout, connect=limits.connect_timeout)
        with self.client.stream("GET", url, params=params, headers=self.headers, timeout=timeout) as resp:
            chunks: list[bytes] = []
            size = 0
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise ResponseError(f"{self.name}: response of {declared} bytes is over the cap", resp.status_code)
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise ResponseError(
                        f"{self.name}: response over {limits.max_bytes} bytes, abandoned", resp.status_code
                    )
                chunks.append(chunk)
            next_link = (resp.links or {}).get("next") or {}
            return Response(
                status=resp.status_code,
                body=b"".join(chunks),
                headers={k.lower(): v for k, v in resp.headers.items()},
                next_url=next_link.get("url"),
            )

    def _note_quota(self, headers: Mapping[str, str]) -> None:
        """`RateLimit: "api";r=0;t=42`: no request left in this window, so the next one waits."""
        value = headers.get("ratelimit", "")
        remaining = _RATELIMIT_REMAINING.search(value)
        reset = _RATELIMIT_RESET.search(value)
        if remaining and reset and int(remaining.group(1)) == 0:
            self._not_before = self.clock() + min(float(reset.group(1)), self.limits.max_wait)


def _errors_module(client: Any) -> ModuleType:
    """The exception classes of the client's own package (httpx, or the Hub's httpx fork)."""
    return importlib.import_module(type(client).__module__.split(".")[0])


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]
