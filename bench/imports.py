"""Following 50 website imports at once: API calls, page delay, and a rename meanwhile.

The fake crawls 50 small sites served on 127.0.0.1 (8 pages each, at the
fake's default 2 pages a second) started as one bulk import, while the
benchmark keeps the imports page open the way the browser does (the htmx
partial, once a second) and renames a space now and then.

- import_follow_calls_per_change: getImportRun + listImportRuns calls made
  while the runs went on, over the state changes the fake made in them.
- import_page_delay_vs_ceiling: for every change of every run, the time from
  the fake making it (known exactly from the run's start and the fake's
  speed) to the open page showing it, 95th percentile, over the follower's
  poll ceiling.
- rename_during_imports_vs_idle: the median time from enqueueing a rename to
  its job finishing, during the imports, over the same on an idle worker.

``python -m bench.imports`` measures these alone on a stack of its own and
prints them without recording them.
"""

import os
import re
import sqlite3
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from bench.results import Figure
from bench.stack import Stack, StackError, wait_until

SITES = 50
PAGES_PER_SITE = 8
RENAMES = 5
PAGE_POLL_SECONDS = 1.0  # what the imports page's htmx trigger does
DEFAULT_CEILING_SECONDS = 10.0  # dashboard.imports.following.ceiling()
APP_SETTINGS: dict[str, str] = {}

_ROW = re.compile(
    r'<tr id="import-(\d+)" data-status="([^"]*)" data-complete="(\d+)" '
    r'data-known="(\d+)" data-import="([^"]*)">'
)
_SITE = re.compile(r"^/site-(\d+)/(?:p(\d+))?$")


class Sites(BaseHTTPRequestHandler):
    """``/site-K/`` is a site of PAGES_PER_SITE pages: a home page linking to p2 … pN."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        match = _SITE.match(self.path)
        number = int(match.group(2) or 1) if match else 0
        if not 1 <= number <= PAGES_PER_SITE:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        links = "".join(f'<a href="p{n}">Page {n}</a> ' for n in range(2, PAGES_PER_SITE + 1))
        body = f"<html><head><title>Page {number}</title></head><body>{links}</body></html>"
        encoded = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)


def ceiling_seconds() -> float:
    return float(
        APP_SETTINGS.get(
            "IMPORT_POLL_CEILING_SECONDS",
            os.environ.get("IMPORT_POLL_CEILING_SECONDS", DEFAULT_CEILING_SECONDS),
        )
    )


def measure(stack: Stack) -> list[Figure]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sites)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        return run_scenario(stack, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


def run_scenario(stack: Stack, sites_url: str) -> list[Figure]:
    session = stack.login()
    database = Database(stack)
    api = stack.api_session()
    space = api.post(
        f"{stack.api_url}/orgs/{stack.org_id}/spaces", json={"title": "Bench rename"}, timeout=30
    )
    space.raise_for_status()
    space_id = space.json()["id"]
    renamer = Renamer(stack, session, database, space_id)
    renamer.rename()  # warms the space into the cache, as a user who opened it would
    idle = [renamer.rename() for _ in range(RENAMES)]

    import_speed = float(
        requests.get(f"{stack.fake_root}/_fake/config", timeout=10).json()["import_speed"]
    )
    stack.reset_fake_stats()
    watcher = PageWatcher(stack, stack.login())
    watcher.start()
    urls = "\n".join(f"{sites_url}/site-{n}/" for n in range(SITES))
    csrf = session.cookies["csrftoken"]
    response = session.post(
        f"{stack.web_url}/imports/bulk/",
        data={"urls": urls, "enhance": "on", "csrfmiddlewaretoken": csrf},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 302:
        raise StackError(f"the bulk import answered {response.status_code}")

    # Renames while the runs are being started and followed.
    wait_until(lambda: database.runs_started() >= 5, 60, "the first imports to start")
    busy = []
    for _ in range(RENAMES):
        busy.append(renamer.rename())
        time.sleep(1.0)
    wait_until(lambda: database.runs_finished() >= SITES, 240, "every import to finish", step=0.5)
    time.sleep(PAGE_POLL_SECONDS * 1.5)  # the page's next refresh shows the last change
    watcher.stop()

    stats = requests.get(f"{stack.fake_root}/_fake/stats", timeout=10).json()
    follow_calls = stats["requests"].get("getImportRun", 0) + stats["requests"].get(
        "listImportRuns", 0
    )
    changes = stats["import_state_changes"]
    counted = sum(
        int(stack.redis.get(key) or 0) for key in stack.redis.scan_iter("gb:*:imports:follow-calls")
    )
    delays = change_delays(stack, api, watcher, 1.0 / import_speed)
    delays.sort()
    p95 = delays[int(0.95 * (len(delays) - 1))]
    ceiling = ceiling_seconds()
    statuses = database.run_statuses()

    return [
        Figure(
            "import_follow_calls_per_change",
            follow_calls / changes,
            2,
            f"{follow_calls} getImportRun + listImportRuns for {changes} state changes of "
            f"{SITES} runs ({statuses}); the console counted {counted}",
        ),
        Figure(
            "import_page_delay_vs_ceiling",
            p95 / ceiling,
            1,
            f"95th percentile {p95:.2f} s, mean {statistics.mean(delays):.2f} s, "
            f"max {delays[-1]:.2f} s over {len(delays)} changes; ceiling {ceiling:g} s, "
            f"page refreshed every {PAGE_POLL_SECONDS:g} s",
        ),
        Figure(
            "rename_during_imports_vs_idle",
            statistics.median(busy) / statistics.median(idle),
            1.5,
            "rename job enqueued to done, median of "
            f"{RENAMES}: {statistics.median(busy):.3f} s during the imports "
            f"({', '.join(f'{s:.2f}' for s in busy)}) vs {statistics.median(idle):.3f} s idle "
            f"({', '.join(f'{s:.2f}' for s in idle)})",
        ),
    ]


class Database:
    """The console's SQLite database, read directly for exact job timings."""

    def __init__(self, stack: Stack) -> None:
        self.path = stack.var_dir / "console.sqlite3"

    def query(self, sql: str, *params):
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=20) as connection:
            return connection.execute(sql, params).fetchall()

    def latest_job(self, kind: str) -> int:
        return self.query("SELECT max(id) FROM jobs_job WHERE kind = ?", kind)[0][0] or 0

    def job_timing(self, job_id: int) -> tuple[str, str | None, str]:
        return self.query(
            "SELECT created_at, finished_at, status FROM jobs_job WHERE id = ?", job_id
        )[0]

    def runs_started(self) -> int:
        return self.query("SELECT count(*) FROM imports_importrun WHERE api_run_id != ''")[0][0]

    def runs_finished(self) -> int:
        return self.query(
            "SELECT count(*) FROM imports_importrun "
            "WHERE status IN ('completed', 'failed', 'cancelled')"
        )[0][0]

    def run_statuses(self) -> str:
        rows = self.query("SELECT status, count(*) FROM imports_importrun GROUP BY status")
        return ", ".join(f"{count} {status}" for status, count in rows)


def parse_time(value: str) -> float:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class Renamer:
    def __init__(self, stack: Stack, session: requests.Session, database: Database, space_id):
        self.stack, self.session, self.database, self.space_id = stack, session, database, space_id
        self.count = 0

    def rename(self) -> float:
        """Rename the space through the console; seconds from the job's enqueueing to its end."""
        self.count += 1
        before = self.database.latest_job("space.update")
        response = self.session.post(
            f"{self.stack.web_url}/spaces/{self.space_id}/edit/",
            data={
                "title": f"Bench rename {self.count}",
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 302:
            raise StackError(f"the rename answered {response.status_code}")
        job_id = wait_until(
            lambda: (latest := self.database.latest_job("space.update")) > before and latest,
            30,
            "the rename job",
        )
        created, finished, status = wait_until(
            lambda: (timing := self.database.job_timing(job_id))[1] and timing,
            60,
            "the rename to finish",
            step=0.01,
        )
        if status != "succeeded":
            raise StackError(f"the rename job ended {status}")
        return parse_time(finished) - parse_time(created)


class PageWatcher(threading.Thread):
    """The open imports page: its table fetched the way htmx refreshes it, each
    run's progress noted with the moment the page first showed it."""

    def __init__(self, stack: Stack, session: requests.Session) -> None:
        super().__init__(daemon=True)
        self.stack, self.session = stack, session
        self.stopping = threading.Event()
        # GitBook run id -> [(seconds, progress level)], in order
        self.seen: dict[str, list[tuple[float, int]]] = {}

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            response = self.session.get(
                f"{self.stack.web_url}/imports/", headers={"HX-Request": "true"}, timeout=60
            )
            shown_at = time.time()
            for _pk, status, complete, known, run_id in _ROW.findall(response.text):
                if not run_id:
                    continue
                level = progress_level(status, int(complete), int(known))
                levels = self.seen.setdefault(run_id, [])
                if not levels or level > levels[-1][1]:
                    levels.append((shown_at, level))
            self.stopping.wait(max(0.0, PAGE_POLL_SECONDS - (time.monotonic() - started)))

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def progress_level(status: str, complete: int, known: int) -> int:
    """How many of the fake's changes a run shows: in progress, each page seen,
    each page complete, completed."""
    return (status not in ("starting", "pending")) + known + complete + (status == "completed")


def change_delays(
    stack: Stack, api: requests.Session, watcher: PageWatcher, tick: float
) -> list[float]:
    """For each change the fake made, how long until the open page showed it."""
    delays = []
    for run_id, seen in watcher.seen.items():
        run = api.get(f"{stack.api_url}/org/{stack.org_id}/imports/{run_id}", timeout=30).json()
        if run.get("status") != "completed":
            continue
        started = parse_time(run["startedAt"])
        pages = len(run["pages"])
        # The fake's timeline (gitbook_api/fake/imports.py): in progress after one
        # tick, page i seen at tick i+1 and complete at tick i+2, done with the last.
        changes = [started + tick]
        changes += [started + tick * (i + 1) for i in range(pages)]
        changes += [started + tick * (i + 2) for i in range(pages)]
        changes.append(started + tick * (pages + 1))
        changes.sort()
        for level, changed_at in enumerate(changes, start=1):
            shown_at = next((moment for moment, shown in seen if shown >= level), None)
            if shown_at is not None:
                delays.append(max(0.0, shown_at - changed_at))
    if not delays:
        raise StackError("the imports page never showed a change")
    return delays


def main() -> int:
    """Measure these figures alone and print them; `make bench` records them."""
    from bench import stack as stack_module
    from bench.results import notes, table

    # A small organization is enough here and starts faster.
    stack_module.FAKE_SPACES = 200
    with stack_module.running_stack() as stack:
        stack.use_app_settings(APP_SETTINGS)
        figures = measure(stack)
    print(table(figures, {}))
    print()
    print(notes(figures, {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
