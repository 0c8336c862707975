"""`make run` starts the whole console and Ctrl-C / SIGTERM stops all of it."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def running_console(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITBOOK_", "REDIS_URL", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        PORT=str(port),
        VAR_DIR=str(tmp_path),
        FAKE_PORT=str(free_port()),
        REDIS_PORT=str(free_port()),
        DATABASE_URL=f"sqlite:///{tmp_path / 'console.sqlite3'}",
    )
    process = subprocess.Popen(
        [sys.executable, "scripts/run.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = read_line_matching(process, r"^Open (http://\S+) and log in as (\S+) / (\S+)$", 90)
        yield process, line
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def read_line_matching(process, pattern, seconds):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if match := re.match(pattern, line.strip()):
            return match
    raise AssertionError(f"no line matching {pattern!r}; output was:\n{''.join(seen)}")


def test_make_run_serves_the_console_and_stops_every_process_on_sigterm(running_console):
    process, line = running_console
    url, username, password = line.groups()
    children = psutil.Process(process.pid).children(recursive=True)
    names = " ".join(" ".join(child.cmdline()) for child in children)
    for expected in ("redis-server", "gitbook_api.fake", "worker", "beat", "gunicorn"):
        assert expected in names

    session = requests.Session()
    login_page = session.get(f"{url}login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    home = session.post(
        f"{url}login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{url}login/"},
        timeout=30,
    )
    assert home.status_code == 200
    assert 'data-testid="space-count">' in home.text

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    _gone, alive = psutil.wait_procs(children, timeout=10)
    assert alive == []
