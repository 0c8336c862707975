"""From an empty index to a search over every space, next to walking the API by hand.

The baseline is the floor any loader has: the fake's pages fetched one after
the other by a plain client. The console's time runs from the first request
to /spaces/ until the list says it holds every space; it includes handing the
walk to the worker, storing the pages and rebuilding the index in the web
processes.
"""

import statistics
import time

import requests

from bench.results import Figure
from bench.stack import FAKE_SPACES, Stack, StackError

ROUNDS = 3
POLL_SECONDS = 0.05
GIVE_UP_SECONDS = 120
GOAL = 1.2


def measure(stack: Stack) -> list[Figure]:
    browser = stack.login()
    api = stack.api_session()
    ratios, rounds = [], []
    for _ in range(ROUNDS):
        stack.forget_spaces_index()
        api_seconds = time_api_walk(stack, api)
        searchable_seconds = time_until_searchable(stack, browser)
        ratios.append(searchable_seconds / api_seconds)
        rounds.append(f"{searchable_seconds:.2f} s vs {api_seconds:.2f} s")
    return [
        Figure(
            "cold_start_searchable",
            statistics.median(ratios),
            GOAL,
            f"median of {ROUNDS} rounds (console vs 10 API pages): " + "; ".join(rounds),
        )
    ]


def time_api_walk(stack: Stack, api: requests.Session) -> float:
    started = time.perf_counter()
    spaces = sum(len(page["items"]) for page in stack.iter_api_pages(api))
    seconds = time.perf_counter() - started
    if spaces != FAKE_SPACES:
        raise StackError(f"the fake listed {spaces} spaces, not {FAKE_SPACES}")
    return seconds


def time_until_searchable(stack: Stack, browser: requests.Session) -> float:
    started = time.perf_counter()
    stack.get(browser, "/spaces/")
    while True:
        if stack.listed_spaces(browser) == FAKE_SPACES:
            return time.perf_counter() - started
        if time.perf_counter() - started > GIVE_UP_SECONDS:
            raise StackError(f"the list did not show {FAKE_SPACES} spaces in {GIVE_UP_SECONDS} s")
        time.sleep(POLL_SECONDS)
