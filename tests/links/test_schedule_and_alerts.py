"""Scheduled scans, and the e-mail and webhook when broken links go up."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from dashboard.links import scans
from dashboard.links.models import LinkHealthSettings, LinkScan
from dashboard.links.tasks import check_link_scans
from tests.conftest import wait_until
from tests.links.helpers import connect, running_fake, scan_now, wait_for_scan

pytestmark = pytest.mark.django_db(transaction=True)


class Webhook:
    """A receiver on 127.0.0.1 that keeps what it is sent."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    receiver = Webhook()
    yield receiver
    receiver.close()


def earlier_scan(connection, broken: int) -> LinkScan:
    return LinkScan.objects.create(
        connection=connection,
        status=LinkScan.Status.SUCCEEDED,
        prepared=True,
        broken_count=broken,
        occurrences=broken,
        finished_at=timezone.now(),
    )


def test_more_broken_links_than_before_are_emailed_and_posted_to_the_webhook(
    admin, operator, celery_worker_thread, mailoutbox, webhook
):
    with running_fake() as fake:
        connection = connect(fake)
        LinkHealthSettings.objects.create(
            connection=connection,
            alert_emails="docs@example.com",
            webhook_url=webhook.url,
            updated_by=admin,
        )
        before = earlier_scan(connection, broken=1)

        scan = scan_now(operator, connection)
        scan = wait_until(
            lambda: LinkScan.objects.get(pk=scan.pk),
            lambda found: found.alert.startswith("Alert:"),
        )

    assert scan.previous == before
    assert scan.broken_count > 1
    assert [message.to for message in mailoutbox] == [["docs@example.com"]]
    assert f"1 → {scan.broken_count}" in mailoutbox[0].subject
    assert len(webhook.received) == 1
    summary = webhook.received[0]
    assert (summary["broken"], summary["previous_broken"]) == (scan.broken_count, 1)
    assert summary["organization"]["id"] == connection.organization_id
    assert summary["scan"]["path"] == f"/links/scans/{scan.pk}/"
    assert scan.alert == "Alert: e-mailed docs@example.com; webhook answered 204"


def test_no_alert_when_broken_links_did_not_go_up(
    admin, operator, celery_worker_thread, mailoutbox, webhook
):
    with running_fake() as fake:
        connection = connect(fake)
        LinkHealthSettings.objects.create(
            connection=connection, alert_emails="docs@example.com", webhook_url=webhook.url
        )
        earlier_scan(connection, broken=10_000)

        scan = scan_now(operator, connection)

    assert scan.alert == ""
    assert mailoutbox == []
    assert webhook.received == []


def test_a_schedule_starts_a_scan_when_the_last_one_is_older_than_its_interval(
    admin, celery_worker_thread
):
    with running_fake() as fake:
        connection = connect(fake)
        LinkHealthSettings.objects.create(
            connection=connection, schedule="hourly", updated_by=admin
        )
        old = earlier_scan(connection, broken=3)
        LinkScan.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))

        check_link_scans()
        scheduled = LinkScan.objects.exclude(pk=old.pk).get()
        check_link_scans()  # a scan is running or just ran: nothing more to start

        scheduled = wait_for_scan(scheduled)
    assert LinkScan.objects.count() == 2
    assert scheduled.trigger == LinkScan.Trigger.SCHEDULE
    assert scheduled.status == LinkScan.Status.SUCCEEDED
    assert scheduled.job.created_by == admin


def test_schedules_that_are_off_start_nothing(admin, connection):
    LinkHealthSettings.objects.create(connection=connection, schedule="off", updated_by=admin)

    assert scans.start_due_scans() == 0
    assert not LinkScan.objects.exists()
