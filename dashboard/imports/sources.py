"""Checking the websites to import before anything is sent to GitBook.

GitBook imports only http(s) sites on public hosts. The console says so next
to the field rather than after a failed run. The fake GitBook crawls sites on
127.0.0.1 for the tests, so loopback is allowed when the connection is the fake.
"""

import csv
import ipaddress
import re
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from dashboard.accounts.models import Connection

MAX_URL_LENGTH = 2000
MAX_TITLE_LENGTH = 50  # GitBook's limit on space titles
RESOLVE_SECONDS = 1.5
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")

_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="import-dns")


class SourceRefused(ValueError):
    """The URL cannot be imported; the message says why, for the person who typed it."""


def uses_fake(connection: Connection | None) -> bool:
    """The connection talks to the fake GitBook, which may crawl loopback sites."""
    if connection is None:
        return False
    api_url = connection.api_url.rstrip("/")
    if is_loopback_name(urlsplit(api_url).hostname or ""):
        return True
    return bool(settings.GITBOOK_USES_FAKE) and api_url == settings.GITBOOK_API_URL.rstrip("/")


def is_loopback_name(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_source_url(raw: str, *, allow_loopback: bool, cache: dict | None = None) -> str:
    """The URL to import, cleaned up; raises SourceRefused with the reason otherwise."""
    url = (raw or "").strip()
    if not url:
        raise SourceRefused("Enter the address of the website to import.")
    if len(url) > MAX_URL_LENGTH:
        raise SourceRefused(f"That address is longer than {MAX_URL_LENGTH} characters.")
    if any(char.isspace() for char in url) or any(ord(char) < 32 for char in url):
        raise SourceRefused("A web address cannot contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SourceRefused("That is not a valid web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"“{scheme}:”" if scheme else "no scheme"
        raise SourceRefused(
            f"Only http:// and https:// websites can be imported; this address has {shown}."
        )
    host = parts.hostname or ""
    if not host:
        raise SourceRefused("The address has no host name, such as docs.example.com.")
    if parts.username or parts.password:
        raise SourceRefused("Leave the user name and password out of the address.")
    ascii_host = to_ascii_host(host)
    refusal = private_host_refusal(ascii_host, port, allow_loopback=allow_loopback, cache=cache)
    if refusal:
        raise SourceRefused(refusal)
    return url


def to_ascii_host(host: str) -> str:
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    invalid = SourceRefused(f"“{host[:100]}” is not a valid host name.")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise invalid from None
    labels = ascii_host.rstrip(".").split(".")
    if len(ascii_host) > 253 or not all(HOST_LABEL.match(label) for label in labels):
        raise invalid
    for label in labels:
        if label.lower().startswith("xn--"):
            try:
                label.encode("ascii").decode("idna")
            except UnicodeError:
                raise invalid from None
    return ascii_host


def private_host_refusal(
    host: str, port: int | None, *, allow_loopback: bool, cache: dict | None = None
) -> str | None:
    """Why GitBook would refuse this host, if it would."""
    refused = (
        f"GitBook does not import from internal or private hosts ({host[:100]}). "
        "Use the site's public address."
    )
    lowered = host.lower().rstrip(".")
    if is_loopback_name(lowered):
        return None if allow_loopback else refused
    if lowered.endswith(PRIVATE_SUFFIXES):
        return refused
    addresses = resolve(lowered, port, cache)
    for address in addresses:
        if address.is_loopback and allow_loopback:
            continue
        if not address.is_global or address.is_multicast:
            return refused
    return None


def resolve(host: str, port: int | None, cache: dict | None = None) -> list:
    """The addresses the host name stands for; none if it does not resolve in time."""
    try:
        return [unmapped(ipaddress.ip_address(host))]
    except ValueError:
        pass
    if cache is not None and host in cache:
        return cache[host]
    future = _resolver.submit(socket.getaddrinfo, host, port or 80, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=RESOLVE_SECONDS)
    except (OSError, UnicodeError, FutureTimeout):
        # A name that does not resolve here may resolve for GitBook: its run says.
        infos = []
    addresses = []
    for info in infos:
        try:
            addresses.append(unmapped(ipaddress.ip_address(info[4][0].split("%")[0])))
        except ValueError:
            continue
    if cache is not None:
        cache[host] = addresses
    return addresses


def unmapped(address):
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def default_title(url: str) -> str:
    """A space title from the address: host and path, as short as GitBook wants."""
    parts = urlsplit(url)
    title = (parts.hostname or url) + parts.path.rstrip("/")
    if len(title) > MAX_TITLE_LENGTH:
        title = title[: MAX_TITLE_LENGTH - 1] + "…"
    return title


@dataclass
class ListedSite:
    """One line of a bulk import list, and why it cannot be imported if so."""

    line: int
    url: str
    title: str
    collection: str = ""
    refusal: str = ""


class ListTooLong(ValueError):
    def __init__(self, count: int):
        super().__init__(f"The list has {count} websites.")
        self.count = count


def read_site_list(
    text: str,
    *,
    allow_loopback: bool,
    collections: list[tuple[str, str]],
    default_collection: str = "",
    limit: int | None = None,
) -> list[ListedSite]:
    """Each URL of a pasted or uploaded list: one per line, or CSV rows url,title,collection."""
    rows = []
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() == "url":
            continue  # a header row
        rows.append((number, (cells + ["", "", ""])[:3]))
    if limit is not None and len(rows) > limit:
        raise ListTooLong(len(rows))
    by_name = collection_lookup(collections)
    resolved = resolve_all(url for _number, (url, _title, _collection) in rows)
    sites = []
    for number, (url, title, collection) in rows:
        site = ListedSite(number, url[:MAX_URL_LENGTH], title, default_collection)
        try:
            site.url = check_source_url(url, allow_loopback=allow_loopback, cache=resolved)
        except SourceRefused as exc:
            site.refusal = str(exc)
        if collection:
            found = by_name.get(collection.casefold())
            if found is None:
                site.refusal = site.refusal or f"There is no collection “{collection[:100]}”."
            else:
                site.collection = found
        if not site.title and not site.refusal:
            site.title = default_title(site.url)
        elif len(site.title) > MAX_TITLE_LENGTH:
            site.refusal = site.refusal or (
                f"The title is longer than {MAX_TITLE_LENGTH} characters."
            )
            site.title = site.title[:300]
        sites.append(site)
    return sites


def resolve_all(urls, seconds: float = 5.0) -> dict:
    """The addresses of every host of a list, looked up side by side."""
    hosts = set()
    for url in urls:
        try:
            host = urlsplit(url).hostname or ""
            hosts.add(to_ascii_host(host).lower().rstrip(".") if host else "")
        except (ValueError, SourceRefused):
            continue
    hosts.discard("")
    resolved: dict = {}
    with ThreadPoolExecutor(max_workers=16, thread_name_prefix="import-dns-list") as pool:
        futures = {host: pool.submit(resolve, host, None) for host in hosts}
        for host, future in futures.items():
            try:
                resolved[host] = future.result(timeout=seconds)
            except FutureTimeout:
                resolved[host] = []
    return resolved


def collection_lookup(collections: list[tuple[str, str]]) -> dict[str, str]:
    """Collection ids by id, by full path ("Parent / Child") and by title when unique."""
    lookup: dict[str, str] = {}
    titles: dict[str, list[str]] = {}
    for collection_id, path in collections:
        lookup[collection_id.casefold()] = collection_id
        lookup[path.casefold()] = collection_id
        titles.setdefault(path.rsplit(" / ", 1)[-1].casefold(), []).append(collection_id)
    for title, ids in titles.items():
        if len(ids) == 1:
            lookup.setdefault(title, ids[0])
    return lookup
