"""HTTP for `data update`: JSON from SSB's and KLASS's public APIs, with the faults named.

The standard library's urllib is enough for a few dozen GET/POST calls of JSON. The Python
clients looked at would add a dependency without removing code: pxwebpy (PxWebApi v2) is not
in the lock file, and ssb-klass-python pins ipython<9 and uses KLASS's deprecated `.json`
suffix.
Every fault ends in FetchError naming the source and what to do; the caller changes nothing.
"""
from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

from ..errors import DataError
from ..version import __version__

DEFAULT_TIMEOUT = 60.0   # seconds; $REGIONANALYSE_HTTP_TIMEOUT, read at each request


def http_timeout() -> float:
    return float(os.environ.get("REGIONANALYSE_HTTP_TIMEOUT") or DEFAULT_TIMEOUT)


MAX_RETRIES = 3          # after HTTP 429, each after the server's Retry-After
MAX_WAIT = 120.0         # longest Retry-After honoured (seconds)
MAX_BYTES = 200_000_000  # a larger answer is not one of these APIs'
ADVICE = "Ingen data er endret. Prøv igjen senere, eller sjekk nettforbindelsen og adressen."


class FetchError(DataError):
    """The source could not be read, or answered something other than expected."""

    def __init__(self, source: str, url: str, what: str):
        self.source = source
        super().__init__(f"{url}: {what}. {ADVICE}")


def get_json(source: str, url: str, body: dict | None = None, timeout: float | None = None):
    """GET (or POST `body` as JSON) `url` and return the decoded JSON answer (see get_bytes)."""
    raw = get_bytes(source, url, body, timeout, accept="application/json")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FetchError(source, url, "svaret er ikke gyldig JSON (avbrutt eller endret "
                                      "format)") from exc


def get_bytes(source: str, url: str, body: dict | None = None, timeout: float | None = None,
              accept: str = "*/*") -> bytes:
    """GET (or POST `body` as JSON) `url` and return the answer's body.

    HTTP 429 is retried after Retry-After (at most MAX_RETRIES times, each wait at most
    MAX_WAIT seconds); any other fault raises FetchError at once."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(source, url, "bare http- og https-adresser kan brukes")
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Accept": accept, "User-Agent": f"regionanalyse/{__version__}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    for attempt in range(MAX_RETRIES + 1):
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout or http_timeout()) as response:
                raw = response.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                raise FetchError(source, url, f"svaret er større enn {MAX_BYTES // 1_000_000} MB")
        except urllib.error.HTTPError as exc:
            if exc.code == 429 and attempt < MAX_RETRIES:
                time.sleep(_retry_after(exc.headers.get("Retry-After")))
                continue
            what = "for mange forespørsler (HTTP 429)" if exc.code == 429 else \
                f"svarte HTTP {exc.code} {exc.reason}{_title(exc)}"
            raise FetchError(source, url, what) from exc
        except (TimeoutError, OSError) as exc:  # URLError, refused, reset, socket timeout
            reason = getattr(exc, "reason", exc)
            what = "svarte ikke innen tidsfristen" if "timed out" in str(reason) else \
                f"kan ikke nås ({reason})"
            raise FetchError(source, url, what) from exc
        except http.client.HTTPException as exc:  # IncompleteRead: a half-read body
            raise FetchError(source, url, f"svaret ble avbrutt ({type(exc).__name__})") from exc
        return raw
    raise AssertionError("unreachable")


def _retry_after(value: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds form; a date or nothing: 10 s)."""
    try:
        return min(max(float(value), 0.0), MAX_WAIT)
    except (TypeError, ValueError):
        return 10.0


def _title(exc: urllib.error.HTTPError) -> str:
    """SSB's error answers are JSON with a `title`; add it when there is one."""
    try:
        title = json.loads(exc.read().decode("utf-8")).get("title")
    except Exception:  # any unreadable error body: the status line says enough
        return ""
    return f" ({title})" if title else ""


def shape_error(source: str, url: str, what: str) -> FetchError:
    """A FetchError for an answer whose shape is not the documented one."""
    return FetchError(source, url, f"uventet svar: {what} (har API-et endret seg?)")
