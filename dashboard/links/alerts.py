"""Telling people when an organization's broken links went up: e-mail and a webhook."""

import logging

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from dashboard.links.models import LinkHealthSettings, LinkScan

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10


def got_worse(scan: LinkScan) -> bool:
    previous = scan.previous
    return (
        previous is not None
        and scan.broken_count is not None
        and previous.broken_count is not None
        and scan.broken_count > previous.broken_count
    )


def alert_if_worse(scan_id: int) -> None:
    """Send the alerts in a task of their own, so a slow webhook holds up no scan."""
    from dashboard.links.tasks import send_scan_alerts

    scan = LinkScan.objects.select_related("previous").get(pk=scan_id)
    config = LinkHealthSettings.objects.filter(connection_id=scan.connection_id).first()
    if not got_worse(scan) or config is None or not (config.emails or config.webhook_url):
        return
    try:
        send_scan_alerts.delay(scan_id)
    except Exception as exc:  # the broker's errors vary with the transport
        log.warning("Cannot send the alerts of scan %s: %s", scan_id, exc)


def payload(scan: LinkScan) -> dict:
    """The JSON summary a webhook receives."""
    connection = scan.connection
    return {
        "event": "link_health.broken_links_increased",
        "organization": {"id": connection.organization_id, "name": connection.name},
        "scan": {
            "id": scan.pk,
            "finished_at": scan.finished_at.isoformat() if scan.finished_at else None,
            "path": reverse("links:scan", args=[scan.pk]),
        },
        "broken": scan.broken_count,
        "previous_broken": scan.previous.broken_count if scan.previous else None,
        "new": scan.new_count,
        "fixed": scan.fixed_count,
        "occurrences": scan.occurrences,
        "source": scan.source,
    }


def send_alerts(scan_id: int) -> str:
    """E-mail and call the webhook once for a scan; returns what happened, as words."""
    scan = LinkScan.objects.select_related("connection", "previous").get(pk=scan_id)
    config = LinkHealthSettings.objects.filter(connection_id=scan.connection_id).first()
    claimed = LinkScan.objects.filter(pk=scan.pk, alert="").update(alert="Sending…")
    if not claimed or config is None:
        return scan.alert
    summary = payload(scan)
    outcomes = []
    if config.emails:
        subject = (
            f"Broken links went up in {scan.connection.name}: "
            f"{summary['previous_broken']} → {summary['broken']}"
        )
        body = (
            f"The link scan of {scan.connection.name} found {summary['broken']} broken links, "
            f"{summary['previous_broken']} in the scan before.\n"
            f"New: {summary['new']}. Fixed: {summary['fixed']}.\n\n"
            f"See {summary['scan']['path']} in the console.\n"
        )
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, config.emails)
            outcomes.append(f"e-mailed {', '.join(config.emails)}")
        except Exception as exc:  # SMTP errors come in many kinds
            log.warning("Cannot e-mail the alert of scan %s: %s", scan.pk, exc)
            outcomes.append(f"e-mail failed: {exc}")
    if config.webhook_url:
        try:
            answer = requests.post(config.webhook_url, json=summary, timeout=WEBHOOK_TIMEOUT)
            outcomes.append(f"webhook answered {answer.status_code}")
        except requests.RequestException as exc:
            log.warning("Cannot call the alert webhook of scan %s: %s", scan.pk, exc)
            outcomes.append(f"webhook failed: {type(exc).__name__}")
    text = ("Alert: " + "; ".join(outcomes))[:300]
    LinkScan.objects.filter(pk=scan.pk).update(alert=text)
    return text
