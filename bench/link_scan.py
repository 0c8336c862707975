"""Link scan figures: an organization scan against a slow, rate-limited fake.

Two stacks of their own, one after the other (the fake's size cannot change
while it runs):

- 500 spaces with 0 to 2,964 broken links each (``--links-per-space 60
  --broken-share 0.5``: most spaces have a few dozen, a few are link farms that
  need a chain of pages), ``--latency-ms 150 --rate-limit 20/1``. The console
  scans it through its worker; then the same calls are made the naive way, one
  after another with the project's client, in this process.
- 500 spaces with 102,878 broken links (``--links-per-space 200``), no rate
  limit: the worker's memory is sampled at rest and while it scans.

The worker runs as ``make run`` runs it: ``celery worker --concurrency 2``.
"""

import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psutil
import requests

from bench.results import Figure
from bench.stack import FAKE_TOKEN, Stack, StackError, wait_until
from dashboard.links.paging import CONTINUATION_PAGE_SIZE, FINDING_TYPES, PAGE_SIZE
from gitbook_api import GitBookClient

SEED = 1
SPACES = 500
LATENCY_MS = 150
RATE_LIMIT = 20  # calls a second
TIMING_FAKE = [
    "--spaces", str(SPACES), "--links-per-space", "60", "--broken-share", "0.5",
    "--latency-ms", str(LATENCY_MS), "--rate-limit", f"{RATE_LIMIT}/1",
]  # fmt: skip
MEMORY_FAKE = [
    "--spaces", str(SPACES), "--links-per-space", "200", "--broken-share", "0.5",
    "--latency-ms", "20",
]  # fmt: skip
SCAN_TIMEOUT = 900
SAMPLE_SECONDS = 0.05


class AtLeast(Figure):
    """A figure whose goal is a floor, not a ceiling."""

    @property
    def holds(self) -> bool:
        return self.value >= self.goal


class LinkScanStack(Stack):
    """The bench's stack, with a fake of the given size and knobs."""

    def __init__(self, fake_arguments: list[str]) -> None:
        super().__init__()
        self.fake_arguments = fake_arguments

    def _spawn(self, name: str, command: list[str]) -> None:
        # The bench's stack as it is, with a fake of this figure's size and knobs.
        if name == "fake-gitbook":
            command = [
                sys.executable, "-m", "gitbook_api.fake", "--port", str(self.fake_port),
                "--token", FAKE_TOKEN, "--seed", str(SEED), *self.fake_arguments,
            ]  # fmt: skip
        super()._spawn(name, command)

    def database(self) -> sqlite3.Connection:
        return sqlite3.connect(self.var_dir / "console.sqlite3", timeout=30)

    def fake_stats(self) -> dict:
        return requests.get(f"{self.fake_root}/_fake/stats", timeout=30).json()

    def worker_processes_memory(self) -> list[int]:
        """Resident memory of the worker and each of its pool processes, in bytes."""
        root = psutil.Process(self.processes["worker"].pid)
        return [process.memory_info().rss for process in [root, *root.children(recursive=True)]]


def run_console_scan(stack: LinkScanStack) -> dict:
    """Start an organization scan as the demo admin and wait for it to end."""
    session = stack.login()
    stack.reset_fake_stats()
    started = time.monotonic()
    answer = session.post(
        f"{stack.web_url}/links/scan/",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302:
        raise StackError(f"starting the scan answered {answer.status_code}")
    with stack.database() as db:
        (scan_id,) = db.execute("select max(id) from links_linkscan").fetchone()

    def finished():
        with stack.database() as db:
            (status,) = db.execute(
                "select status from links_linkscan where id = ?", (scan_id,)
            ).fetchone()
        return status if status in ("succeeded", "failed", "cancelled") else None

    status = wait_until(finished, SCAN_TIMEOUT, "the link scan", step=0.1)
    elapsed = time.monotonic() - started
    stats = stack.fake_stats()
    with stack.database() as db:
        broken, found, failed = db.execute(
            "select broken_count, broken_found, parts_failed from links_linkscan where id = ?",
            (scan_id,),
        ).fetchone()
        (chain,) = db.execute(
            "select max(pages_fetched) from links_scanpart where scan_id = ?", (scan_id,)
        ).fetchone()
        moments = db.execute(
            "select julianday(s.started_at) - julianday(s.created_at),"
            " julianday(max(p.finished_at)) - julianday(s.started_at),"
            " julianday(s.finished_at) - julianday(max(p.finished_at))"
            " from links_linkscan s join links_scanpart p on p.scan_id = s.id where s.id = ?",
            (scan_id,),
        ).fetchone()
    if status != "succeeded":
        raise StackError(f"the scan ended {status}")
    return {
        "seconds": elapsed,
        "requests": stats["total"],
        "rate_limited": stats["rate_limited"],
        "broken": broken,
        "links_fetched": found,
        "failed_parts": failed,
        "chain": chain or 1,
        "phases": "queued {:.1f} s, scanning {:.1f} s, counting {:.1f} s".format(
            *(days * 86400 for days in moments)
        ),
    }


def run_naive_scan(stack: LinkScanStack) -> dict:
    """The same calls, one space after another, one call at a time."""
    client = GitBookClient(token=FAKE_TOKEN, base_url=stack.api_url, timeout=60)
    stack.reset_fake_stats()
    started = time.monotonic()
    fetched = 0

    def walk(fetch) -> int:
        count, cursor = 0, None
        while True:
            page = fetch(cursor, CONTINUATION_PAGE_SIZE if cursor else PAGE_SIZE)
            count += len(page.items)
            if not page.next_page:
                return count
            cursor = page.next_page

    for space in client.list_spaces(stack.org_id):
        fetched += walk(
            lambda cursor, limit, space_id=space.id: client.list_space_links_page(
                space_id, status="broken", page=cursor, limit=limit
            )
        )
    for site in client.list_sites(stack.org_id):
        fetched += walk(
            lambda cursor, limit, site_id=site.id: client.list_site_findings_page(
                stack.org_id, site_id, types=FINDING_TYPES, status="open", page=cursor, limit=limit
            )
        )
    return {
        "seconds": time.monotonic() - started,
        "requests": stack.fake_stats()["total"],
        "links_fetched": fetched,
    }


class MemorySampler(threading.Thread):
    def __init__(self, stack: LinkScanStack) -> None:
        super().__init__(daemon=True)
        self.stack = stack
        self.peak = 0
        self.peak_processes: list[int] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(SAMPLE_SECONDS):
            try:
                sizes = self.stack.worker_processes_memory()
            except psutil.Error:
                continue
            if sum(sizes) > self.peak:
                self.peak, self.peak_processes = sum(sizes), sizes

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def measure_memory() -> tuple[float, str]:
    with running(LinkScanStack(MEMORY_FAKE)) as stack:
        rest_samples = []
        for _ in range(40):
            rest_samples.append(stack.worker_processes_memory())
            time.sleep(SAMPLE_SECONDS)
        rest = statistics.median(sum(sizes) for sizes in rest_samples)
        rest_processes = rest_samples[len(rest_samples) // 2]
        sampler = MemorySampler(stack)
        sampler.start()
        try:
            scan = run_console_scan(stack)
        finally:
            sampler.stop()
    busiest = max(
        peak / at_rest
        for peak, at_rest in zip(sampler.peak_processes, rest_processes, strict=False)
    )
    note = (
        f"{scan['links_fetched']:,} broken links in {scan['seconds']:.0f} s; worker (parent and "
        f"2 pool processes) {rest / 2**20:.0f} MiB at rest, {sampler.peak / 2**20:.0f} MiB at "
        f"peak; the busiest process peaked at {busiest:.2f}x its rest"
    )
    return sampler.peak / rest, note


@contextmanager
def running(stack: LinkScanStack) -> Iterator[LinkScanStack]:
    """Start a stack, and stop everything it started whatever happens."""
    try:
        stack.start()
        yield stack
    except (StackError, subprocess.SubprocessError):
        stack.print_logs()
        raise
    finally:
        stack.stop()


def measure(_stack: Stack | None = None) -> list[Figure]:
    """The four link scan figures; starts and stops its own stacks."""
    with running(LinkScanStack(TIMING_FAKE)) as stack:
        console = run_console_scan(stack)
        naive = run_naive_scan(stack)
    limit = max(console["requests"] / RATE_LIMIT, console["chain"] * LATENCY_MS / 1000)
    memory, memory_note = measure_memory()
    return [
        Figure(
            "link_scan_vs_physical_limit",
            console["seconds"] / limit,
            1.25,
            f"{console['seconds']:.1f} s for {console['requests']} calls "
            f"({console['links_fetched']:,} broken links, {console['broken']:,} distinct "
            f"targets, longest chain {console['chain']} pages; {console['phases']}); "
            f"limit {limit:.1f} s",
        ),
        AtLeast(
            "naive_link_scan_vs_console",
            naive["seconds"] / console["seconds"],
            3,
            f"goal: at least 3; naive {naive['seconds']:.1f} s for {naive['requests']} calls "
            f"({naive['links_fetched']:,} broken links) one at a time",
        ),
        Figure(
            "link_scan_429s",
            int(console["rate_limited"]),
            0,
            f"429 answers the fake gave during the console's scan at {RATE_LIMIT}/1",
        ),
        Figure("link_scan_peak_memory", memory, 1.5, memory_note),
    ]


if __name__ == "__main__":
    from bench.results import notes, table

    figures = measure()
    print(table(figures, {}))
    print()
    print(notes(figures, {}))
