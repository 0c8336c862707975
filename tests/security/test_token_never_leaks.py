"""The GitBook token can delete a company's documentation: after a busy run it
must appear in no page, log line, job, audit entry, cache entry or table."""

import io
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse

from dashboard.accounts.models import Connection
from dashboard.gitbook.redis import get_redis
from dashboard.jobs import service
from dashboard.jobs.models import Job
from dashboard.logs import JsonFormatter
from tests.spaces.helpers import load_index, new_space, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "gb_api_SECRET_token_that_must_never_show_0123456789"


@pytest.fixture
def secret_fake():
    from gitbook_api.fake import FakeConfig, FakeGitBook

    fake = FakeGitBook(FakeConfig(seed=5, spaces=30, token=SECRET))
    server = fake.serve(host="127.0.0.1", port=0)
    fake.url = server.url
    try:
        yield fake
    finally:
        server.stop()


@pytest.fixture
def json_logs():
    """The log lines as production writes them: extras included, which caplog's text leaves out."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(handler)


def everything_redis_holds() -> str:
    redis = get_redis()
    parts = []
    for key in redis.scan_iter(count=1000):
        kind = redis.type(key)
        parts.append(repr(key))
        if kind == b"string":
            parts.append(repr(redis.get(key)))
        elif kind == b"hash":
            parts.append(repr(redis.hgetall(key)))
        elif kind == b"list":
            parts.append(repr(redis.lrange(key, 0, -1)))
    return "\n".join(parts)


def test_after_a_busy_run_the_token_is_nowhere_but_encrypted(
    client, admin, secret_fake, celery_worker_thread, caplog, json_logs
):
    caplog.set_level(logging.DEBUG)
    client.force_login(admin)
    pages = []
    # An admin connects the organization through the form, with the token.
    pages.append(
        client.post(
            reverse("accounts:organization_add"), {"api_url": secret_fake.url, "token": SECRET}
        )
    )
    pages.append(
        client.post(
            reverse("accounts:organization_add"),
            {"step": "pick", "organization": secret_fake.org_id, "name": "Secret org"},
        )
    )
    connection = Connection.objects.get(organization_id=secret_fake.org_id)
    session = client.session
    session["connection_id"] = connection.pk
    session.save()
    space = new_space(secret_fake)
    load_index(connection)
    # Reads, a change that works and one that fails.
    for name in ("home", "spaces:list", "jobs:list", "audit:log", "accounts:organizations"):
        pages.append(client.get(reverse(name)))
    pages.append(client.post(reverse("spaces:edit", args=[space["id"]]), {"title": "Renamed"}))
    pages.append(client.post(reverse("spaces:edit", args=[space["id"]]), {"emoji": "📘"}))
    bad = service.enqueue(
        user=admin,
        connection=connection,
        kind="space.update",
        description="bad",
        arguments={"changes": {"title": "x" * 60}},
        target_id=space["id"],
    )
    for job in Job.objects.all():
        wait_for_job(job.pk)
    pages.append(client.get(reverse("jobs:detail", args=[bad.pk])))
    pages.append(client.get(reverse("spaces:detail", args=[space["id"]])))
    pages.append(client.get(reverse("audit:csv")))

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    seen = {
        "pages": "\n".join(
            b"".join(page.streaming_content).decode() if page.streaming else page.text
            for page in pages
        ),
        "logs": caplog.text,
        "json logs": json_logs.getvalue(),
        "database": dump.getvalue(),
        "redis": everything_redis_holds(),
        "jobs": repr(list(Job.objects.values())),
    }
    assert Job.objects.filter(status="succeeded").count() == 2
    assert Job.objects.get(pk=bad.pk).status == "failed"
    leaks = [where for where, text in seen.items() if SECRET in text or SECRET[:20] in text]
    assert leaks == []
    assert '"logger": "dashboard.requests"' in seen["json logs"]
    assert connection.token == SECRET  # it is there, encrypted
