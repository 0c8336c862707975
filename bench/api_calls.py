"""API calls per distinct API page and cache period, under 10 users browsing the list.

The issue's scenario is 100 list views over 3 minutes with the default
60-second freshness: 3 cache periods. To keep `make bench` short this run
uses a 10-second freshness and 30 seconds of views, the same 3 periods.
Each period should cost at most one fetch of each of the 10 API pages
(1000 spaces each), however many users look at the list.
"""

import math
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.results import Figure
from bench.stack import API_PAGE_SIZE, FAKE_SPACES, Stack, wait_until

FRESH_SECONDS = 10
PERIODS = 3
USERS = 10
VIEWS = 100
PER_PAGE = 50
APP_SETTINGS = {"API_CACHE_FRESH_SECONDS": str(FRESH_SECONDS)}


def measure(stack: Stack) -> list[Figure]:
    users = [stack.login() for _ in range(USERS)]
    stack.wait_for_complete_index(users[0])
    # Start when the index has just gone stale: the first view starts a walk,
    # which is the most walks the run can see.
    stale_at = (stack.index_refreshed_at() or 0) + FRESH_SECONDS
    time.sleep(max(0.0, stale_at - time.time()) + 0.1)
    stack.reset_fake_stats()

    views_seconds = FRESH_SECONDS * PERIODS
    gap = views_seconds / VIEWS
    started = time.monotonic()

    def browse(user_number: int) -> list[float]:
        """One user's views; returns when each started, in seconds from the run's start."""
        rng = random.Random(user_number)
        session = users[user_number]
        starts = []
        # The users take turns, so the views are spread evenly over the run.
        for view in range(user_number, VIEWS, USERS):
            time.sleep(max(0.0, started + view * gap - time.monotonic()))
            starts.append(time.monotonic() - started)
            page = rng.randint(1, FAKE_SPACES // PER_PAGE)
            stack.get(session, f"/spaces/?per_page={PER_PAGE}&page={page}")
        return starts

    walks = WalkCounter(stack)
    walks.start()
    try:
        with ThreadPoolExecutor(max_workers=USERS) as pool:
            view_starts = [moment for starts in pool.map(browse, range(USERS)) for moment in starts]
        last_view = max(view_starts)
        # A walk the views started near the end still counts.
        wait_until(lambda: not stack.walk_running(), 120, "the last walk to finish", step=0.1)
    finally:
        walks.stop()

    calls = stack.fake_calls("listSpacesInOrganizationById")
    # A measurement before this one may have made a space or two.
    distinct_pages = math.ceil(stack.fake_space_count() / API_PAGE_SIZE)
    # The periods the views fell in: a view can start a walk only in its own.
    periods = math.floor(last_view / FRESH_SECONDS) + 1
    return [
        Figure(
            "api_calls_per_distinct_page",
            calls / (distinct_pages * periods),
            1,
            f"{calls} listSpacesInOrganizationById for {VIEWS} views by {USERS} users "
            f"over {last_view:.1f} s = {periods} periods of {FRESH_SECONDS} s, "
            f"{distinct_pages} API pages; walks started at "
            + ", ".join(f"{moment - started:.1f}" for moment in walks.started_at)
            + " s",
        )
    ]


class WalkCounter(threading.Thread):
    """Notes when each walk of the spaces starts, by watching its lock in Redis."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(daemon=True)
        self.stack = stack
        self.started_at: list[float] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        was_locked = False
        while not self.stopping.wait(0.02):
            locked = self.stack.walk_locked()
            if locked and not was_locked:
                self.started_at.append(time.monotonic())
            was_locked = locked

    def stop(self) -> None:
        self.stopping.set()
        self.join()
