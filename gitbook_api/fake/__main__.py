"""python -m gitbook_api.fake: serve the fake until SIGINT or SIGTERM.

Every flag can also come from the environment as GITBOOK_FAKE_<NAME>
(``--links-per-space`` is ``GITBOOK_FAKE_LINKS_PER_SPACE``); flags win.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .app import FakeGitBook
from .config import API_VERSIONS, FakeConfig, parse_rate_limit


def _env(name: str, default):
    return os.environ.get(f"GITBOOK_FAKE_{name.upper()}", default)


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _rate_limit(text: str):
    try:
        return parse_rate_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    # argparse runs ``type`` on string defaults too, so values from the environment
    # are checked (and reported) exactly like flags.
    defaults = FakeConfig()
    parser = argparse.ArgumentParser(prog="python -m gitbook_api.fake", description=__doc__)
    add = parser.add_argument
    add("--host", default=_env("host", "127.0.0.1"))
    add("--port", type=int, default=_env("port", 8765))
    add("--token", default=_env("token", defaults.token))
    add("--seed", type=int, default=_env("seed", defaults.seed))
    add("--spaces", type=int, default=_env("spaces", defaults.spaces))
    add("--links-per-space", type=int, default=_env("links_per_space", defaults.links_per_space))
    add("--broken-share", type=float, default=_env("broken_share", defaults.broken_share))
    add("--latency-ms", type=float, default=_env("latency_ms", defaults.latency_ms))
    add("--rate-limit", type=_rate_limit, default=_env("rate_limit", None), metavar="N/SECONDS")
    add("--fault-rate", type=float, default=_env("fault_rate", defaults.fault_rate))
    add(
        "--fault-timeout",
        type=float,
        default=_env("fault_timeout", defaults.fault_timeout_s),
        help="seconds a timeout fault holds the response before closing the connection",
    )
    add(
        "--import-speed",
        type=float,
        default=_env("import_speed", defaults.import_speed),
        help="pages per second an import run progresses",
    )
    add("--api-version", choices=API_VERSIONS, default=_env("api_version", defaults.api_version))
    add(
        "--hostile",
        action="store_true",
        default=_truthy(_env("hostile", "")),
        help="put XSS-style payloads in titles and link targets",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        config = FakeConfig(
            seed=args.seed,
            spaces=args.spaces,
            links_per_space=args.links_per_space,
            broken_share=args.broken_share,
            latency_ms=args.latency_ms,
            rate_limit=args.rate_limit,
            fault_rate=args.fault_rate,
            fault_timeout_s=args.fault_timeout,
            import_speed=args.import_speed,
            api_version=args.api_version,
            token=args.token,
            hostile=args.hostile,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    fake = FakeGitBook(config)
    server = fake.serve(host=args.host, port=args.port)
    print(f"GitBook fake API on {server.url}", flush=True)
    print(f"organization: {fake.org_id}", flush=True)
    print(f"token: {fake.token}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
