"""Fifty people using the console at once: errors, and the p95 latency next to one person.

gunicorn runs with 4 workers for this (``WEB_CONCURRENCY=4``). Each simulated
user is a thread with its own session, logged in through ``/login/``, that
opens a page, waits for it, pauses a second and opens the next, for
BENCH_LOAD_SECONDS (60 s unless set). Pages are drawn from the mix below: the
spaces list at random pages, title searches, the link-health overview and a
space's report, the jobs page and the audit log. Ten spaces are scanned and
ten renamed first, so the reports, jobs and audit pages have rows to show.

- load_error_rate: the share of requests, in percent, that raised or answered
  anything but 200.
- load_p95_vs_one_user: the 95th percentile of the page times with 50 users,
  over the same with one user browsing the same mix alone.
"""

import os
import random
import sqlite3
import statistics
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from bench.page_speed import percentile_95, title_words
from bench.results import Figure
from bench.stack import FAKE_SPACES, Stack, StackError, wait_until

USERS = 50
PAUSE_SECONDS = 1.0
# The one-user run lasts as long: at one page every ~1.1 s, its p95 needs the samples.
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
APP_SETTINGS = {"WEB_CONCURRENCY": "4"}
SCANNED_SPACES = 10
RENAMED_SPACES = 10
PER_PAGE = 50
# The password hasher is slow on purpose: a few logins at a time, not fifty.
LOGINS_AT_ONCE = 4
REQUEST_TIMEOUT = 30
# How often each kind of page is opened, out of the weights' sum.
MIX = {"list": 3, "search": 3, "link overview": 1, "space report": 1, "jobs": 1, "audit": 1}


@dataclass
class Pages:
    """The paths a user picks from, by kind."""

    words: list[str]
    scanned: list[str]

    def pick(self, rng: random.Random) -> tuple[str, str]:
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if kind == "list":
            return kind, f"/spaces/?page={rng.randint(1, FAKE_SPACES // PER_PAGE)}"
        if kind == "search":
            page = "&page=2" if rng.random() < 0.2 else ""
            return kind, f"/spaces/?q={rng.choice(self.words)}{page}"
        if kind == "link overview":
            return kind, "/links/"
        if kind == "space report":
            return kind, f"/links/spaces/{rng.choice(self.scanned)}/"
        return kind, "/jobs/" if kind == "jobs" else "/audit/"


@dataclass
class Visits:
    """Every request of one run: its kind, how long it took, and what went wrong."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.seconds[kind].append(seconds)
            if error:
                self.errors[error] += 1

    @property
    def all_seconds(self) -> list[float]:
        return [value for values in self.seconds.values() for value in values]


def measure(stack: Stack) -> list[Figure]:
    admin = stack.login()
    stack.wait_for_complete_index(admin)
    pages = Pages(words=title_words(stack), scanned=seed(stack, admin))
    with ThreadPoolExecutor(LOGINS_AT_ONCE) as pool:
        sessions = list(pool.map(lambda _: stack.login(), range(USERS)))
    warm_up(stack, sessions, pages)

    alone = browse(stack, sessions[:1], pages)
    crowd = browse(stack, sessions, pages)

    requests_made = len(crowd.all_seconds)
    failed = sum(crowd.errors.values())
    crowd_p95, alone_p95 = percentile_95(crowd.all_seconds), percentile_95(alone.all_seconds)
    slowest = sorted(
        (percentile_95(values), kind) for kind, values in crowd.seconds.items() if len(values) > 1
    )[::-1]
    by_kind = ", ".join(f"{kind} {p95 * 1000:.0f} ms" for p95, kind in slowest)
    what_failed = ", ".join(f"{count} × {error}" for error, count in crowd.errors.items())
    return [
        Figure(
            "load_error_rate",
            100 * failed / requests_made,
            0,
            f"{failed} of {requests_made} requests from {USERS} users over {SECONDS:g} s"
            + (f": {what_failed}" if failed else "")
            + (f"; alone, {sum(alone.errors.values())} failed" if alone.errors else ""),
        ),
        Figure(
            "load_p95_vs_one_user",
            crowd_p95 / alone_p95,
            3,
            f"p95 {crowd_p95 * 1000:.0f} ms (median "
            f"{statistics.median(crowd.all_seconds) * 1000:.0f} ms, {requests_made} requests, "
            f"{requests_made / SECONDS:.1f} a second) with {USERS} users vs "
            f"{alone_p95 * 1000:.0f} ms (median {statistics.median(alone.all_seconds) * 1000:.0f}"
            f" ms, {len(alone.all_seconds)} requests) alone; p95 by page with {USERS} users: "
            f"{by_kind}; gunicorn {APP_SETTINGS['WEB_CONCURRENCY']} workers",
        ),
    ]


def seed(stack: Stack, session: requests.Session) -> list[str]:
    """Scan some spaces and rename others; the scanned spaces' ids."""
    first_page = next(stack.iter_api_pages(stack.api_session()))["items"]
    scanned = [space["id"] for space in first_page[:SCANNED_SPACES]]
    renamed = first_page[SCANNED_SPACES : SCANNED_SPACES + RENAMED_SPACES]
    csrf = {"csrfmiddlewaretoken": session.cookies["csrftoken"]}
    for space_id in scanned:
        post(stack, session, f"/links/spaces/{space_id}/scan/", csrf)
    for space in renamed:
        title = f"{space['title']} (renamed)"
        post(stack, session, f"/spaces/{space['id']}/edit/", {**csrf, "title": title})

    database = stack.var_dir / "console.sqlite3"

    def still_open() -> int:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20) as connection:
            (scans,) = connection.execute(
                "SELECT count(*) FROM links_linkscan WHERE status IN ('queued', 'running')"
            ).fetchone()
            (jobs,) = connection.execute(
                "SELECT count(*) FROM jobs_job WHERE finished_at IS NULL"
            ).fetchone()
        return scans + jobs

    wait_until(lambda: still_open() == 0, 180, "the seeding scans and renames", step=0.5)
    return scanned


def post(stack: Stack, session: requests.Session, path: str, data: dict) -> None:
    answer = session.post(f"{stack.web_url}{path}", data=data, allow_redirects=False, timeout=60)
    if answer.status_code != 302:
        raise StackError(f"POST {path} answered {answer.status_code}")


def warm_up(stack: Stack, sessions: list[requests.Session], pages: Pages) -> None:
    """A page of the mix for every session, many at once: each gunicorn process
    builds its own copy of the spaces index on first use, which is not what a
    person waits for."""
    rng = random.Random(0)
    # Once each: a session used again just as gunicorn drops its idle connection
    # (after 2 s) would send its request into a closing socket.
    paths = [pages.pick(rng)[1] for _ in sessions]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(stack.get, sessions, paths))


def browse(stack: Stack, sessions: list[requests.Session], pages: Pages) -> Visits:
    """Every session browses the mix for SECONDS, pausing between pages."""
    visits = Visits()
    start = threading.Barrier(len(sessions))

    def user(number: int, session: requests.Session) -> None:
        rng = random.Random(number)
        start.wait()
        deadline = time.monotonic() + SECONDS
        # Spread the first pages over a pause, as people do not click in step.
        time.sleep(rng.uniform(0, PAUSE_SECONDS))
        while time.monotonic() < deadline:
            kind, path = pages.pick(rng)
            started = time.perf_counter()
            error = None
            try:
                answer = session.get(
                    f"{stack.web_url}{path}", allow_redirects=False, timeout=REQUEST_TIMEOUT
                )
                if answer.status_code != 200:
                    error = f"{answer.status_code} on {kind}"
            except requests.RequestException as exc:
                error = f"{type(exc).__name__} on {kind}"
            visits.record(kind, time.perf_counter() - started, error)
            time.sleep(PAUSE_SECONDS)

    threads = [
        threading.Thread(target=user, args=(number, session), name=f"bench-user-{number}")
        for number, session in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return visits
