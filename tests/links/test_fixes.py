"""Fixing a broken-link finding with GitBook's suggested redirect, through a job."""

import pytest
from django.urls import reverse

from dashboard.jobs.models import Job
from dashboard.links import reports
from dashboard.links.models import BrokenLink, LinkScan
from tests.conftest import PASSWORD, wait_until
from tests.links.helpers import connect, fake_pages, running_fake, scan_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_suggested_redirect_is_created_and_the_next_scan_lists_the_link_as_fixed(
    client, operator, celery_worker_thread
):
    client.login(username=operator.username, password=PASSWORD)
    with running_fake() as fake:
        connection = connect(fake)
        first = scan_now(operator, connection)
        row = BrokenLink.objects.filter(scan=first, fix__isnull=False).first()
        source = row.fix["source"]

        client.post(reverse("links:fix", args=[row.pk]), {"next": "/links/"})
        job = wait_until(lambda: Job.objects.get(kind="links.redirect"), lambda job: job.finished)
        redirects = list(
            fake_pages(
                fake, f"/orgs/{fake.org_id}/sites/{row.fix['site_id']}/redirects", search=source
            )
        )
        second = scan_now(operator, connection)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert [redirect["source"] for redirect in redirects] == [source]
    assert second.status == LinkScan.Status.SUCCEEDED
    assert not BrokenLink.objects.filter(scan=second, target_key=row.target_key).exists()
    fixed = [entry["target_key"] for entry in reports.diff(second)["fixed"]]
    assert row.target_key in fixed
