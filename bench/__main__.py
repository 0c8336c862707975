"""python -m bench [--figure NAME]: measure the console against the fake GitBook.

Starts its own Redis, fake GitBook (10,000 spaces, 150 ms a call), Celery
worker and gunicorn, measures every figure (or one), prints the table, merges
the figures into bench/results.json and stops everything it started.
"""

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from bench import api_calls, cold_read, cold_start, imports, limiter, link_scan, load, page_speed
from bench.results import RESULTS_FILE, Figure, notes, table, write_results
from bench.stack import Stack, StackError, running_stack


@dataclass(frozen=True)
class Measurement:
    figures: tuple[str, ...]
    run: Callable[[Stack], list[Figure]]
    # Environment for the web server and worker while this one runs.
    app_settings: dict[str, str] = field(default_factory=dict)


# In this order: the cold start needs the empty index a new stack has, and
# the measurements that need other settings come last, since each change of
# settings restarts the web server and worker.
MEASUREMENTS = [
    Measurement(("cold_start_searchable",), cold_start.measure),
    Measurement(("list_page_vs_bare", "list_page_vs_bare_p95"), page_speed.measure_list_page),
    Measurement(("search_vs_bare", "search_vs_bare_p95"), page_speed.measure_search),
    Measurement(("cold_page_fetches",), cold_read.measure),
    Measurement(
        (
            "import_follow_calls_per_change",
            "import_page_delay_vs_ceiling",
            "rename_during_imports_vs_idle",
        ),
        imports.measure,
        imports.APP_SETTINGS,
    ),
    Measurement(("api_calls_per_distinct_page",), api_calls.measure, api_calls.APP_SETTINGS),
    # Starts stacks of its own (500 spaces with links, a rate limit of 20 a second).
    Measurement(
        (
            "link_scan_vs_physical_limit",
            "naive_link_scan_vs_console",
            "link_scan_429s",
            "link_scan_peak_memory",
        ),
        link_scan.measure,
    ),
    # gunicorn with 4 workers (WEB_CONCURRENCY=4).
    Measurement(("load_error_rate", "load_p95_vs_one_user"), load.measure, load.APP_SETTINGS),
    # Restarts the web server and worker once more itself, with the limiter off.
    Measurement(("limiter_on_vs_off",), limiter.measure),
]
FIGURE_NAMES = [name for measurement in MEASUREMENTS for name in measurement.figures]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--figure", choices=FIGURE_NAMES, help="measure only this figure")
    parser.add_argument(
        "--keep-files", action="store_true", help="keep the run's logs and database afterwards"
    )
    args = parser.parse_args(argv)
    chosen = [m for m in MEASUREMENTS if args.figure is None or args.figure in m.figures]

    figures: list[Figure] = []
    failed: dict[str, str] = {}
    began = time.monotonic()
    try:
        with running_stack(args.keep_files, chosen[0].app_settings) as stack:
            log(f"stack up in {time.monotonic() - began:.0f} s")
            for measurement in chosen:
                stack.use_app_settings(measurement.app_settings)
                started = time.monotonic()
                try:
                    figures += measurement.run(stack)
                except (StackError, requests.RequestException) as exc:
                    failed.update({name: str(exc) for name in measurement.figures})
                    stack.print_logs()
                log(f"{', '.join(measurement.figures)}: {time.monotonic() - started:.0f} s")
    except KeyboardInterrupt:
        print("Interrupted; everything the benchmark started is stopped.", file=sys.stderr)
        return 130
    except StackError as exc:
        print(f"Could not start the console: {exc}", file=sys.stderr)
        return 1

    print(table(figures, failed))
    print()
    print(notes(figures, failed))
    if figures:
        write_results(figures)
        print(f"\nWritten to {RESULTS_FILE} in {time.monotonic() - began:.0f} s.")
    return 1 if failed else 0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
