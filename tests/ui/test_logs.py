"""Log lines: JSON objects in production, with the fields a log collector filters on."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from dashboard.logs import JsonFormatter
from tests.settings_loader import PRODUCTION, load_settings

pytestmark = pytest.mark.django_db


def record(message="Job %s failed", args=(7,), exc_info=None, **extra):
    entry = logging.LogRecord(
        "dashboard.jobs.service", logging.ERROR, __file__, 1, message, args, exc_info
    )
    for name, value in extra.items():
        setattr(entry, name, value)
    return entry


@pytest.fixture
def json_lines():
    """What the root logger writes through the JSON formatter during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_line_is_one_json_object_with_time_level_logger_and_message():
    line = JsonFormatter().format(record())

    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "ERROR"
    assert parsed["logger"] == "dashboard.jobs.service"
    assert parsed["message"] == "Job 7 failed"
    assert parsed["time"].endswith("+00:00")
    assert "T" in parsed["time"]


def test_extra_fields_are_kept_next_to_the_message():
    line = JsonFormatter().format(record(job_id=7, kind="space.update", connection_id=3))

    parsed = json.loads(line)
    assert (parsed["job_id"], parsed["kind"], parsed["connection_id"]) == (7, "space.update", 3)
    assert "args" not in parsed
    assert "pathname" not in parsed


def test_an_exception_is_logged_with_its_traceback_in_the_same_line():
    try:
        raise ValueError("a bug in an action")
    except ValueError:
        line = JsonFormatter().format(record(exc_info=sys.exc_info()))

    parsed = json.loads(line)
    assert parsed["exc_info"].startswith("Traceback")
    assert "ValueError: a bug in an action" in parsed["exc_info"]


def test_a_failing_job_logs_its_id_and_kind(json_lines, monkeypatch, admin, connection):
    from dashboard.jobs import service
    from dashboard.jobs.service import ACTIONS, Action

    def broken(job, client):
        raise RuntimeError("boom")

    monkeypatch.setitem(ACTIONS, "test.broken", Action(run=broken))
    monkeypatch.setattr(service, "send", lambda job_id: None)
    job = service.enqueue(
        user=admin, connection=connection, kind="test.broken", description="x", arguments={}
    )

    service.run(job.pk)

    (failure,) = [line for line in json_lines() if line["logger"] == "dashboard.jobs.service"]
    assert failure["job_id"] == job.pk
    assert failure["kind"] == "test.broken"
    assert failure["connection_id"] == connection.pk
    assert "RuntimeError: boom" in failure["exc_info"]


def test_a_request_logs_one_line_with_method_path_status_and_user(client, viewer, json_lines):
    client.force_login(viewer)

    client.get(reverse("jobs:list"), {"q": "a-search-term", "status": "failed"})

    lines = [line for line in json_lines() if line["logger"] == "dashboard.requests"]
    assert len(lines) == 1
    (line,) = lines
    assert line["method"] == "GET"
    assert line["path"] == reverse("jobs:list")
    assert line["status"] == 200
    assert line["user_id"] == viewer.pk
    assert line["duration_ms"] >= 0
    assert "a-search-term" not in json.dumps(line)


def test_django_request_warnings_name_the_path_without_the_query(client, viewer, json_lines):
    client.force_login(viewer)

    client.get("/no-such-page/", {"token": "gb_api_from_a_query"})

    lines = [line for line in json_lines() if line["logger"] == "django.request"]
    assert [(line["status_code"], line["path"]) for line in lines] == [(404, "/no-such-page/")]
    assert "gb_api_from_a_query" not in json.dumps(lines)


def test_production_logs_json_and_debug_logs_plain_text(monkeypatch, tmp_path):
    production = load_settings(monkeypatch, tmp_path, **PRODUCTION)
    debug = load_settings(monkeypatch, tmp_path, DEBUG="true")
    chosen = load_settings(monkeypatch, tmp_path, DEBUG="true", LOG_FORMAT="json")

    assert production["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert debug["LOGGING"]["handlers"]["console"]["formatter"] == "plain"
    assert chosen["LOGGING"]["handlers"]["console"]["formatter"] == "json"


def test_an_unknown_log_format_stops_the_start(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        load_settings(monkeypatch, tmp_path, LOG_FORMAT="xml")


def test_celery_workers_log_json_lines_like_the_web(tmp_path):
    # What `celery worker` and `celery beat` do at start, in a process of its own
    # since it reconfigures logging.
    script = (
        "import logging, django\n"
        "django.setup()\n"
        "from dashboard.celery import app\n"
        "app.log.setup_logging_subsystem(loglevel='INFO')\n"
        "logging.getLogger('dashboard.jobs.service').warning('hello', extra={'job_id': 7})\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dashboard.settings",
        "LOG_FORMAT": "json",
        "VAR_DIR": str(tmp_path),
    }

    finished = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 0, finished.stderr
    (line,) = [json.loads(text) for text in finished.stderr.splitlines() if "hello" in text]
    assert line["logger"] == "dashboard.jobs.service"
    assert line["job_id"] == 7
