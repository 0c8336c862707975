"""Redis stopped under a running console: pages still render, changes are kept
in the database, and a worker runs them once Redis is back."""

import pytest
from django.urls import reverse

from dashboard.gitbook.redis import get_redis
from dashboard.gitbook.tasks import HEARTBEAT_KEY
from dashboard.jobs import service
from dashboard.jobs.models import AuditEntry, Job
from tests.conftest import fake_api, wait_until
from tests.faults.conftest import WORKER_LOST_AFTER
from tests.links.helpers import connect, running_fake

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_redis_stopped_pages_render_and_changes_run_once_it_is_back(
    own_redis, worker_processes, as_operator
):
    with running_fake(seed=31, spaces=12) as fake:
        connect(fake)
        worker = worker_processes.start()
        wait_until(lambda: get_redis().exists(HEARTBEAT_KEY), bool, seconds=60)
        organization = fake_api(fake, f"/orgs/{fake.org_id}")
        space = fake_api(fake, f"/orgs/{fake.org_id}/spaces", limit=1)["items"][0]

        own_redis.stop()

        overview = as_operator.get(reverse("home"))
        listing = as_operator.get(reverse("spaces:list"))
        response = as_operator.post(
            reverse("spaces:edit", args=[space["id"]]), {"title": "Written while Redis was down"}
        )
        jobs = as_operator.get(reverse("jobs:list"))
        queued = Job.objects.get(target_id=space["id"])

        # Redis comes back empty, as a restarted server without persistence does:
        # the job's message is gone, and only the database remembers the change.
        own_redis.start()

        def job_after_beat_sweep():
            service.resend_stuck_jobs()
            return Job.objects.get(pk=queued.pk)

        job = wait_until(
            job_after_beat_sweep, lambda job: job.finished, seconds=90, step=WORKER_LOST_AFTER / 3
        )
        renamed = fake_api(fake, f"/spaces/{space['id']}")

    for page in (overview, listing, jobs):
        assert page.status_code == 200
        assert 'data-testid="redis-down"' in page.text
    assert organization["title"] in overview.text
    assert f'id="space-{space["id"]}"' in listing.text
    assert f'id="job-follow-{queued.pk}" data-job-status="queued"' in jobs.text
    assert response.status_code == 302
    assert queued.status == Job.Status.QUEUED
    assert AuditEntry.objects.filter(job=queued).exists()
    assert job.status == Job.Status.SUCCEEDED, worker_processes.log_of(worker)
    assert worker.poll() is None  # the same worker rode out the outage
    assert renamed["title"] == "Written while Redis was down"
    assert Job.objects.filter(target_id=space["id"]).count() == 1
