"""Crawls a website for an import run: same host only, a few levels deep, 20 pages at most."""

from __future__ import annotations

import html
import ipaddress
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

MAX_PAGES = 20
MAX_DEPTH = 2
MAX_BYTES = 1_000_000
MAX_FETCHES = 60
USER_AGENT = "GitBook-Import-Fake/1.0 (+https://www.gitbook.com)"


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.links: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)

    @property
    def title(self) -> str:
        return re.sub(r"\s+", " ", html.unescape("".join(self.title_parts))).strip()[:200]


def refused_host(url: str) -> str | None:
    """Why an import from ``url`` is refused, if it is: GitBook will not import private hosts.

    Loopback stays allowed: the fake runs beside the sites its users test with.
    """
    host = urlsplit(url).hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback:
        return None
    if address.is_private or address.is_link_local or address.is_reserved or address.is_multicast:
        return f"Imports from internal or private hosts are not allowed ({host})"
    if address.is_unspecified:
        return f"Imports from internal or private hosts are not allowed ({host})"
    return None


def _same_site(url: str, origin: tuple[str, str]) -> bool:
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc.lower()) == origin


def crawl(
    start_url: str,
    *,
    on_page: Callable[[str, str], None],
    stop: threading.Event,
    timeout: float = 2.0,
    deadline_s: float = 30.0,
) -> str | None:
    """Report each HTML page found through ``on_page``; return why it failed, or None."""
    session = requests.Session()
    session.trust_env = False  # never route an import through the environment's proxy
    session.headers["User-Agent"] = USER_AGENT
    start = urldefrag(start_url)[0]
    origin = (urlsplit(start).scheme, urlsplit(start).netloc.lower())
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    seen = {start}
    found = fetches = 0
    give_up_at = time.monotonic() + deadline_s
    try:
        while queue and found < MAX_PAGES and fetches < MAX_FETCHES:
            if stop.is_set() or time.monotonic() > give_up_at:
                break
            url, depth = queue.popleft()
            fetches += 1
            try:
                response = session.get(
                    url, timeout=(timeout, timeout), stream=True, allow_redirects=False
                )
            except requests.RequestException as exc:
                if url == start:
                    return f"Could not fetch {start_url}: {_reason(exc)}"
                continue
            with response:
                links, title = _read(response)
                if response.is_redirect:
                    links = [response.headers.get("Location", "")]
                elif response.status_code >= 400 or title is None:
                    if url == start:
                        why = (
                            f"HTTP {response.status_code}"
                            if response.status_code >= 400
                            else "not an HTML page"
                        )
                        return f"Could not import {start_url}: {why}"
                    continue
                else:
                    found += 1
                    on_page(url, title or urlsplit(url).path or url)
            for href in links:
                target = urldefrag(urljoin(url, href.strip()))[0]
                next_depth = depth if response.is_redirect else depth + 1
                if target not in seen and _same_site(target, origin) and next_depth <= MAX_DEPTH:
                    seen.add(target)
                    queue.append((target, next_depth))
        if found == 0 and not stop.is_set():
            return f"Could not import {start_url}: no HTML page found"
        return None
    finally:
        session.close()


def _read(response: requests.Response) -> tuple[list[str], str | None]:
    """The links and title of an HTML response; title None when it is not HTML."""
    if response.is_redirect or "html" not in response.headers.get("Content-Type", "").lower():
        return [], None
    body = response.raw.read(MAX_BYTES, decode_content=True) or b""
    parser = _PageParser()
    parser.feed(body.decode(response.encoding or "utf-8", errors="replace"))
    return parser.links, parser.title


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "the site did not answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "the site could not be reached (connection failed)"
    return exc.__class__.__name__
