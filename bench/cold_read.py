"""How many API fetches 50 simultaneous requests cause on a cold cached read.

The overview page (/) reads the organization and the first page of spaces
through dashboard/gitbook/cache.py. With both entries gone from Redis, 50
requests arrive at once; the cache's lock should let exactly one of them
fetch the organization while the rest wait for its result.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.results import Figure
from bench.stack import Stack, StackError

CONCURRENT_REQUESTS = 50


def measure(stack: Stack) -> list[Figure]:
    browser = stack.login()
    # Load the page's code in every gunicorn process before the cold moment.
    for _ in range(10):
        stack.get(browser, "/")
    stack.forget_cached_reads("organization", "spaces_page")
    stack.reset_fake_stats()

    cookies = browser.cookies.get_dict()
    start_together = threading.Barrier(CONCURRENT_REQUESTS)

    def one_request(_number: int) -> None:
        with requests.Session() as session:
            session.cookies.update(cookies)
            start_together.wait(timeout=30)
            stack.get(session, "/")

    with ThreadPoolExecutor(max_workers=CONCURRENT_REQUESTS) as pool:
        list(pool.map(one_request, range(CONCURRENT_REQUESTS)))

    organization_fetches = stack.fake_calls("getOrganizationById")
    spaces_page_fetches = stack.fake_calls("listSpacesInOrganizationById")
    if organization_fetches == 0:
        raise StackError("the overview did not fetch the organization: the cache was not cold")
    return [
        Figure(
            "cold_page_fetches",
            organization_fetches,
            1,
            f"{CONCURRENT_REQUESTS} requests at once: {organization_fetches} getOrganizationById, "
            f"{spaces_page_fetches} listSpacesInOrganizationById",
        )
    ]
