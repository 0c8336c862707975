"""How long the spaces list and a title search take, next to the bare view.

Both pages go through the same gunicorn, login and middleware; the bare view
does nothing else, so the ratio is what the list itself costs. Requests
alternate between the two, one at a time, so a noisy moment on the shared
machine lands on both sides.
"""

import random
import re
import statistics
import time

import requests

from bench.results import Figure
from bench.stack import BARE_PATH, FAKE_SPACES, Stack

SAMPLES = 150
WARM_UP = 20
PER_PAGE = 50
SEARCH_WORDS = 30


def measure_list_page(stack: Stack) -> list[Figure]:
    rng = random.Random(1)
    last_page = FAKE_SPACES // PER_PAGE
    paths = [
        f"/spaces/?per_page={PER_PAGE}&page={rng.randint(1, last_page)}" for _ in range(SAMPLES)
    ]
    return compare_with_bare(stack, "list_page_vs_bare", paths, goal=2.0)


def measure_search(stack: Stack) -> list[Figure]:
    rng = random.Random(2)
    words = title_words(stack)
    chosen = rng.sample(words, min(SEARCH_WORDS, len(words)))
    paths = [f"/spaces/?q={rng.choice(chosen)}" for _ in range(SAMPLES)]
    return compare_with_bare(stack, "search_vs_bare", paths, goal=3.0)


def title_words(stack: Stack) -> list[str]:
    """Words that occur in space titles, read from the fake's first page."""
    first_page = next(stack.iter_api_pages(stack.api_session()))
    words = {
        word.lower()
        for space in first_page["items"]
        for word in re.findall(r"[A-Za-z]{3,}", space.get("title") or "")
    }
    return sorted(words)


def compare_with_bare(stack: Stack, name: str, paths: list[str], goal: float) -> list[Figure]:
    browser = stack.login()
    stack.wait_for_complete_index(browser)
    # Each gunicorn process builds its own copy of the index on first use.
    for path in paths[:WARM_UP]:
        stack.get(browser, path)
        stack.get(browser, BARE_PATH)

    page_seconds, bare_seconds = [], []
    for number, path in enumerate(paths):
        if number % 2:
            page_seconds.append(timed_get(stack, browser, path))
            bare_seconds.append(timed_get(stack, browser, BARE_PATH))
        else:
            bare_seconds.append(timed_get(stack, browser, BARE_PATH))
            page_seconds.append(timed_get(stack, browser, path))

    page_median, bare_median = statistics.median(page_seconds), statistics.median(bare_seconds)
    page_p95, bare_p95 = percentile_95(page_seconds), percentile_95(bare_seconds)
    return [
        Figure(
            name,
            page_median / bare_median,
            goal,
            f"median {page_median * 1000:.1f} ms vs bare {bare_median * 1000:.1f} ms "
            f"over {len(paths)} requests each",
        ),
        Figure(
            f"{name}_p95",
            page_p95 / bare_p95,
            goal,
            f"p95 {page_p95 * 1000:.1f} ms vs bare {bare_p95 * 1000:.1f} ms",
        ),
    ]


def timed_get(stack: Stack, browser: requests.Session, path: str) -> float:
    started = time.perf_counter()
    stack.get(browser, path)
    return time.perf_counter() - started


def percentile_95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]
