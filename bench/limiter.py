"""limiter_on_vs_off: the worker's job throughput with the shared rate limiter,
next to the same jobs without it.

The fake has no rate limit but still sends the rate-limit headers, so the
limiter does all its work: a slot taken in Redis before every call and the
answer recorded after. JOBS rename jobs (``space.update``, one
``updateSpaceById`` call each) are saved in one transaction through
``dashboard.jobs.service``, in a ``manage.py shell`` with the stack's settings,
and the real worker runs them. The time from the first job started to the last
one finished comes from the database. Then the worker and web server restart
with ``GITBOOK_SHARED_RATE_LIMIT=false`` and the same jobs run again, on the
same stack and the same spaces.
"""

import json
import sqlite3

from bench.link_scan import AtLeast
from bench.results import Figure
from bench.stack import Stack, StackError, wait_until

# About 15 s a run with the worker's 2 processes and 150 ms a call.
JOBS = 180
WARM_UP_JOBS = 4
LIMITER_ON: dict[str, str] = {}  # the default
LIMITER_OFF = {"GITBOOK_SHARED_RATE_LIMIT": "false"}

ENQUEUE = """
import json
from django.db import transaction
from dashboard.accounts.models import Connection, User
from dashboard.spaces.changes import request_update

user = User.objects.get(username="admin")
connection = Connection.objects.get()
with transaction.atomic():
    ids = [
        request_update(user, connection, {{"id": space_id}}, {{"title": title}}).pk
        for space_id, title in json.loads({renames!r})
    ]
print(min(ids), max(ids))
"""


def measure(stack: Stack) -> list[Figure]:
    first_page = next(stack.iter_api_pages(stack.api_session()))
    space_ids = [space["id"] for space in first_page["items"][: JOBS + WARM_UP_JOBS]]
    warm_up, timed = space_ids[:WARM_UP_JOBS], space_ids[WARM_UP_JOBS:]

    runs = {}
    for label, app_settings in (("on", LIMITER_ON), ("off", LIMITER_OFF)):
        stack.use_app_settings(app_settings)
        # A worker that has just started opens its connections on its first jobs.
        run_jobs(stack, warm_up, f"Limiter {label} warm-up")
        stack.reset_fake_stats()
        runs[label] = run_jobs(stack, timed, f"Limiter {label}")
        runs[label]["calls"] = stack.fake_calls("updateSpaceById")

    on, off = runs["on"], runs["off"]
    return [
        AtLeast(
            "limiter_on_vs_off",
            off["seconds"] / on["seconds"],
            0.8,
            f"goal: at least 0.8; {len(timed)} rename jobs, one API call each, from the first "
            f"started to the last finished: {on['seconds']:.1f} s ({len(timed) / on['seconds']:.1f}"
            f" a second, {on['calls']} calls) with the shared limiter, {off['seconds']:.1f} s "
            f"({len(timed) / off['seconds']:.1f} a second, {off['calls']} calls) without",
        )
    ]


def run_jobs(stack: Stack, space_ids: list[str], title: str) -> dict:
    """Rename these spaces as jobs saved at once; wait for all of them to end."""
    renames = json.dumps([(space_id, f"{title} {n}") for n, space_id in enumerate(space_ids)])
    output = stack._manage("shell", "--no-imports", "-c", ENQUEUE.format(renames=renames))
    first, last = map(int, output.splitlines()[-1].split())
    database = stack.var_dir / "console.sqlite3"

    def query(sql: str):
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20) as connection:
            return connection.execute(sql, (first, last)).fetchone()

    wait_until(
        lambda: (
            query("SELECT count(*) FROM jobs_job WHERE id BETWEEN ? AND ? AND finished_at IS NULL")[
                0
            ]
            == 0
        ),
        120,
        f"{len(space_ids)} rename jobs",
        step=0.1,
    )
    failed, seconds = query(
        "SELECT count(*) FILTER (WHERE status != 'succeeded'),"
        " (julianday(max(finished_at)) - julianday(min(started_at))) * 86400"
        " FROM jobs_job WHERE id BETWEEN ? AND ?"
    )
    if failed:
        raise StackError(f"{failed} of the {len(space_ids)} rename jobs did not succeed")
    return {"seconds": seconds}
