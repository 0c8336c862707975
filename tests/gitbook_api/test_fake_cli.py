"""python -m gitbook_api.fake: prints where it listens, obeys flags and env, stops on signals."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def start_cli(*flags: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gitbook_api.fake", "--port", "0", *flags],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = [process.stdout.readline().rstrip("\n") for _ in range(3)]
    return process, lines


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_cli_prints_its_address_and_stops_cleanly_on_a_signal(signum):
    process, lines = start_cli("--spaces", "12", "--seed", "3")
    try:
        assert lines[0].startswith("GitBook fake API on http://127.0.0.1:")
        assert lines[0].endswith("/v1")
        url = lines[0].removeprefix("GitBook fake API on ")
        org = lines[1].removeprefix("organization: ")
        assert lines[2] == "token: gb_fake_token"
        headers = {"Authorization": "Bearer gb_fake_token"}
        spaces = requests.get(f"{url}/orgs/{org}/spaces", headers=headers, timeout=5).json()
        assert spaces["count"] == 12
    finally:
        process.send_signal(signum)
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in err


def test_the_cli_reads_env_vars_and_flags_win():
    env = {
        "GITBOOK_FAKE_TOKEN": "gb_from_env",
        "GITBOOK_FAKE_SPACES": "5",
        "GITBOOK_FAKE_HOSTILE": "1",
    }
    process, lines = start_cli("--spaces", "7", env=env)
    try:
        assert lines[2] == "token: gb_from_env"
        url = lines[0].removeprefix("GitBook fake API on ")
        org = lines[1].removeprefix("organization: ")
        headers = {"Authorization": "Bearer gb_from_env"}
        assert (
            requests.get(f"{url}/orgs/{org}/spaces", headers=headers, timeout=5).json()["count"]
            == 7
        )
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert process.returncode == 0


def test_the_cli_refuses_a_bad_rate_limit():
    result = subprocess.run(
        [sys.executable, "-m", "gitbook_api.fake", "--rate-limit", "fast"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert result.returncode == 2
    assert "N/SECONDS" in result.stderr
