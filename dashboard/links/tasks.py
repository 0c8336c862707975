import logging

from celery import shared_task

from dashboard.links import alerts, scans

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def scan_lane(scan_id: int, lane: int) -> None:
    """A helper lane of a scan: a slice of work, then again while work is left."""
    again_in = scans.run_lane(scan_id, lane)
    if again_in is not None:
        scan_lane.apply_async((scan_id, lane), countdown=min(again_in, 60.0))


@shared_task(ignore_result=True)
def send_scan_alerts(scan_id: int) -> None:
    alerts.send_alerts(scan_id)


@shared_task(ignore_result=True)
def check_link_scans() -> None:
    """Start the scans the schedules ask for, and resume scans that lost their worker."""
    started = scans.start_due_scans()
    resumed = scans.resume_stalled_scans()
    if started or resumed:
        log.info("Link scans: %s started on schedule, %s resumed", started, resumed)
