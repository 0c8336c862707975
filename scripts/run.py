"""Start and supervise the whole console locally: Redis, the fake GitBook,
a Celery worker, Celery beat and the web server.

`make run` calls this. Ctrl-C (or SIGTERM) stops every process it started;
if one of them dies, the others are stopped too, so nothing is left behind.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
LOGS = VAR / "log"


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str, preferred: int) -> int:
    if port_is_free(host, preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(host: str, port: int, seconds: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with code {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"did not listen on {host}:{port} within {seconds:.0f} s")


class Stack:
    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.stopping = False

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it open
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Own process group: Ctrl-C reaches only this supervisor, which
            # then stops the children in order.
            start_new_session=True,
        )
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        self.stopping = True
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _name, process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def first_dead(self) -> tuple[str, int] | None:
        for name, process in self.processes:
            if process.poll() is not None:
                return name, process.returncode
        return None


def manage(*args: str, env: dict) -> str:
    with open(LOGS / "setup.log", "a") as log:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed; see {LOGS / 'setup.log'}")
    return result.stdout.strip()


def main() -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    env = dict(os.environ, PYTHONUNBUFFERED="1", VAR_DIR=str(VAR))
    stack = Stack()

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        if not port_is_free(host, port):
            print(f"Port {port} on {host} is taken; set PORT to use another.", file=sys.stderr)
            return 1

        if "REDIS_URL" not in env:
            redis_port = free_port("127.0.0.1", int(env.get("REDIS_PORT", "6389")))
            redis = stack.start(
                "redis",
                [
                    str(VENV_BIN / "redis-server"),
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(VAR),
                ],
                env,
            )
            wait_for_port("127.0.0.1", redis_port, 10, redis)
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"

        if not env.get("GITBOOK_API_TOKEN"):
            fake_port = free_port("127.0.0.1", int(env.get("FAKE_PORT", "8765")))
            fake = stack.start(
                "fake-gitbook",
                [
                    sys.executable,
                    "-m",
                    "gitbook_api.fake",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(fake_port),
                ],
                env,
            )
            wait_for_port("127.0.0.1", fake_port, 30, fake)
            env["GITBOOK_API_URL"] = f"http://127.0.0.1:{fake_port}/v1"

        manage("migrate", "--noinput", env=env)
        login = manage("bootstrap", env=env) or "admin / (the password you set)"

        stack.start(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "dashboard",
                "worker",
                "--loglevel",
                "info",
                "--concurrency",
                "2",
                "-E",
            ],
            env,
        )
        stack.start(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "dashboard",
                "beat",
                "--loglevel",
                "info",
                "--schedule",
                str(VAR / "celerybeat-schedule"),
            ],
            env,
        )
        web = stack.start(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                "dashboard.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
            ],
            env,
        )
        wait_for_port(host, port, 30, web)

        print(f"Open http://{host}:{port}/ and log in as {login}", flush=True)
        print(
            f"Logs are in {LOGS.relative_to(ROOT) if LOGS.is_relative_to(ROOT) else LOGS}/. "
            "Press Ctrl-C to stop.",
            flush=True,
        )
        while True:
            dead = stack.first_dead()
            if dead:
                name, code = dead
                print(
                    f"{name} exited with code {code}; stopping. See {LOGS / name}.log",
                    file=sys.stderr,
                )
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("Stopping…", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"Could not start the console: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
