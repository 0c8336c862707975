"""Shared steps for the spaces tests: spaces made in the fake, jobs waited for."""

import uuid

from dashboard.jobs.models import Job
from dashboard.spaces import tasks
from tests.conftest import fake_api, fake_post, wait_until


def new_space(fake, **fields) -> dict:
    """A space created directly in the fake, with a title no other test uses."""
    body = {"title": f"Space {uuid.uuid4().hex[:8]}", **fields}
    return fake_post(fake, f"/orgs/{fake.org_id}/spaces", body)


def load_index(connection) -> None:
    """Walk the organization's spaces into the index, as the worker does."""
    tasks.walk(connection)


def wait_for_job(job_id: int, seconds: float = 20) -> Job:
    return wait_until(lambda: Job.objects.get(pk=job_id), lambda job: job.finished, seconds=seconds)


def space_in_fake(fake, space_id: str) -> dict:
    return fake_api(fake, f"/spaces/{space_id}")


def latest_job() -> Job:
    return Job.objects.order_by("-pk").first()
