"""Turning a validated request into an import run and the job that starts it.

The run is saved with its job, in the same transaction, so the pages show it
at once and the worker (which gets the job only after the commit) finds it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dashboard.accounts.models import Connection, User
from dashboard.imports.models import ImportBatch, ImportRun
from dashboard.imports.sources import ListedSite
from dashboard.jobs.models import Job
from dashboard.jobs.service import enqueue


@dataclass(frozen=True)
class Target:
    """Where an import goes: an existing space, or a new one made first."""

    space_id: str = ""
    title: str = ""
    collection: str = ""
    change_request: str = ""
    page: str = ""

    @property
    def new_space(self) -> bool:
        return not self.space_id


def shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def request_import(
    user: User,
    connection: Connection,
    url: str,
    target: Target,
    *,
    enhance: bool = True,
    retry_of: ImportRun | None = None,
) -> ImportRun:
    where = f"a new space “{target.title}”" if target.new_space else f"“{target.title}”"
    arguments = {
        "url": url,
        "space": target.space_id,
        "space_title": target.title,
        "new_space": target.new_space,
        "collection": target.collection,
        "change_request": target.change_request,
        "page": target.page,
        "enhance": enhance,
    }
    with transaction.atomic():
        job = enqueue(
            user=user,
            connection=connection,
            kind="imports.start",
            description=shorten(f"Import {url} into {where}", 300),
            arguments=arguments,
            target_id=target.space_id,
            target_title=shorten(target.title, 300),
            after={key: value for key, value in arguments.items() if value not in ("", None)},
        )
        return ImportRun.objects.create(
            connection=connection,
            job=job,
            retry_of=retry_of,
            created_by=user,
            source_url=url,
            space_id=target.space_id,
            space_title=shorten(target.title, 300),
            new_space=target.new_space,
            new_space_collection=target.collection,
            change_request=target.change_request,
            page_id=target.page,
            enhance=enhance,
        )


def request_batch(
    user: User, connection: Connection, sites: list[ListedSite], *, enhance: bool = True
) -> ImportBatch:
    """One job that starts an import of each site into its own new space; the
    sites refused by the checks are recorded as failed, with the reason."""
    count = len(sites)
    what = f"Import {count} website{'s' if count != 1 else ''} into new spaces"
    now = timezone.now()
    with transaction.atomic():
        batch = ImportBatch.objects.create(connection=connection, created_by=user, total=count)
        job = enqueue(
            user=user,
            connection=connection,
            kind="imports.batch",
            description=what,
            arguments={"batch": batch.pk},
            target_title=what,
            after={"urls": [site.url for site in sites[:50]], "count": count},
        )
        batch.job = job
        batch.save(update_fields=["job"])
        ImportRun.objects.bulk_create(
            ImportRun(
                connection=connection,
                job=job,
                batch=batch,
                created_by=user,
                source_url=site.url,
                space_title=shorten(site.title, 300),
                new_space=True,
                new_space_collection=site.collection,
                enhance=enhance,
                status=ImportRun.Status.FAILED if site.refusal else ImportRun.Status.STARTING,
                reason=site.refusal,
                finished_at=now if site.refusal else None,
            )
            for site in sites
        )
    return batch


def request_retry(user: User, run: ImportRun) -> ImportRun:
    """A new run with the same source and target as a failed or cancelled one."""
    if not run.can_retry:
        raise ValueError("Only a failed or cancelled import can be retried.")
    target = Target(
        space_id=run.space_id,
        title=run.space_title,
        collection=run.new_space_collection if not run.space_id else "",
        change_request=run.change_request,
        page=run.page_id,
    )
    return request_import(
        user, run.connection, run.source_url, target, enhance=run.enhance, retry_of=run
    )


def request_cancel(user: User, run: ImportRun) -> Job:
    return enqueue(
        user=user,
        connection=run.connection,
        kind="imports.cancel",
        description=shorten(
            f"Cancel the import of {run.source_url} into “{run.target_label}”", 300
        ),
        arguments={"run": run.pk},
        target_id=run.space_id,
        target_title=shorten(run.target_label, 300),
        before={"status": run.status},
        after={"status": "cancelled"},
    )
