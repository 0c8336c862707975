"""Fixing a broken-link finding with the redirect GitBook suggests, as a job."""

from dashboard.accounts.models import Connection, User
from dashboard.jobs.models import Job
from dashboard.jobs.service import action, enqueue, mark_sent
from dashboard.links.models import BrokenLink
from gitbook_api import GitBookClient
from gitbook_api.errors import Conflict


def request_redirect(user: User, connection: Connection, row: BrokenLink) -> Job:
    fix = row.fix or {}
    return enqueue(
        user=user,
        connection=connection,
        kind="links.redirect",
        description=f"Redirect {fix.get('source')} on site {fix.get('site_id')}",
        arguments={"fix": fix, "target_key": row.target_key},
        target_id=row.target_key,
        target_title=row.label,
        after={"redirect": fix, "finding": row.finding_id, "space": row.space_id},
    )


def pending_fixes(target_keys) -> dict[str, Job]:
    """The latest redirect job of each of these targets."""
    jobs: dict[str, Job] = {}
    for job in Job.objects.filter(kind="links.redirect", target_id__in=list(target_keys)).order_by(
        "created_at", "pk"
    ):
        jobs[job.target_id] = job
    return jobs


@action("links.redirect")
def create_redirect(job: Job, client: GitBookClient) -> dict:
    fix = dict(job.arguments["fix"])
    org_id = job.connection.organization_id
    site_id = fix.pop("site_id")
    if job.sent_at is not None:
        # An earlier attempt may have created it before its answer was lost.
        for redirect in client.list_site_redirects(org_id, site_id, search=fix["source"]):
            if redirect.source == fix["source"]:
                return {"redirect": redirect.id, "source": redirect.source}
    mark_sent(job)
    try:
        redirect = client.create_site_redirect(org_id, site_id, **fix)
    except Conflict:
        return {"source": fix["source"], "note": "The site already had this redirect."}
    return {"redirect": redirect.id, "source": redirect.source}
