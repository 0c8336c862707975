"""Jobs: every change to GitBook is written down, then run by a Celery worker.

A view calls ``enqueue``: the job and its audit entry are saved in one
transaction and the task is sent once that transaction commits. A worker
calls ``run``, which claims the job, runs the action registered for its kind
and records the outcome. Actions live in the apps that own them
(``dashboard/spaces/actions.py``...) and register with ``@action("kind")``.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone

from dashboard.accounts.models import Connection, User
from dashboard.jobs.models import AuditEntry, Job
from gitbook_api import GitBookClient
from gitbook_api.errors import GitBookError, RateLimited, ServerError, TransportError

log = logging.getLogger(__name__)


def lease() -> timedelta:
    """How long a claimed job stays its worker's without news from it. The worker
    renews it while the job runs, so only a dead worker's job is taken over."""
    return timedelta(seconds=settings.WORKER_LOST_AFTER)


@dataclass(frozen=True)
class Action:
    run: Callable[[Job, GitBookClient], dict]
    # Cached reads (see dashboard.gitbook.reads) to forget once the action succeeded.
    invalidates: tuple[str, ...] = field(default_factory=tuple)


ACTIONS: dict[str, Action] = {}


def action(kind: str, *, invalidates: tuple[str, ...] = ()):
    def register(run: Callable[[Job, GitBookClient], dict]):
        ACTIONS[kind] = Action(run=run, invalidates=invalidates)
        return run

    return register


def enqueue(
    *,
    user: User,
    connection: Connection,
    kind: str,
    description: str,
    arguments: dict,
    target_id: str = "",
    target_title: str = "",
    before: dict | None = None,
    after: dict | None = None,
    retry_of: Job | None = None,
) -> Job:
    """Save a job and its audit entry, and send it to a worker once saved."""
    if kind not in ACTIONS:
        raise ValueError(f"no action is registered for {kind!r}")
    with transaction.atomic():
        job = Job.objects.create(
            connection=connection,
            kind=kind,
            description=description,
            arguments=arguments,
            target_id=target_id,
            created_by=user,
            retry_of=retry_of,
        )
        AuditEntry.objects.create(
            user=user,
            username=user.get_username(),
            connection=connection,
            organization_id=connection.organization_id,
            action=kind,
            target_id=target_id,
            target_title=target_title,
            before=before or {},
            after=after or {},
            job=job,
        )
        transaction.on_commit(lambda: send(job.pk))
    return job


def send(job_id: int) -> None:
    """Hand a job to the broker; if the broker is down the sweep sends it later."""
    from dashboard.jobs.tasks import run_job

    try:
        run_job.delay(job_id)
    except Exception as exc:  # the broker's errors vary with the transport
        log.warning(
            "Job %s stays queued, the broker is unreachable: %s",
            job_id,
            exc,
            extra={"job_id": job_id},
        )


def retry(job: Job, user: User) -> Job:
    """A new job with the same kind and arguments as a failed or cancelled one."""
    if job.status not in (Job.Status.FAILED, Job.Status.CANCELLED):
        raise ValueError("Only a failed or cancelled job can be retried")
    entry = job.audit_entries.first()
    return enqueue(
        user=user,
        connection=job.connection,
        kind=job.kind,
        description=job.description,
        arguments=job.arguments,
        target_id=job.target_id,
        target_title=entry.target_title if entry else "",
        before=entry.before if entry else None,
        after=entry.after if entry else None,
        retry_of=job,
    )


def cancel(job: Job) -> bool:
    """Cancel a job no worker has started; ask a running one to stop at its next step."""
    cancelled = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now()
    )
    if cancelled:
        return True
    asked = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(cancel_requested=True)
    return bool(asked)


def cancel_requested(job: Job) -> bool:
    return Job.objects.filter(pk=job.pk, cancel_requested=True).exists()


class Continue(Exception):
    """Raised by a long action that did a share of its work and wants the rest
    to run as a new message, so no worker is held for long."""


def save_progress(job: Job, done: int, total: int, result: dict) -> None:
    job.progress_done, job.progress_total, job.result = done, total, result
    job.save(update_fields=["progress_done", "progress_total", "result"])


def is_transient(exc: GitBookError) -> bool:
    """Worth running the whole job again later: GitBook's fault, or the network's."""
    if isinstance(exc, TransportError):
        return True
    return isinstance(exc, (RateLimited, ServerError)) or exc.retryable


class RetryLater(Exception):
    def __init__(self, cause: GitBookError):
        super().__init__(str(cause))
        self.cause = cause


def run(job_id: int, *, final_attempt: bool = True) -> Job | None:
    """Claim and run one job. Raises RetryLater for a transient failure when
    another attempt is allowed; otherwise records the outcome."""
    from dashboard.gitbook.cache import invalidate
    from dashboard.gitbook.clients import client_for

    now = timezone.now()
    claimable = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, lease_until__lt=now)
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        status=Job.Status.RUNNING, attempts=F("attempts") + 1, lease_until=now + lease()
    )
    if not claimed:
        return None  # cancelled, finished, running elsewhere, or deleted meanwhile
    job = Job.objects.select_related("connection").get(pk=job_id)
    if job.started_at is None:
        job.started_at = timezone.now()
        job.save(update_fields=["started_at"])

    if job.connection is None:
        return finish(job, Job.Status.FAILED, error="The organization connection was removed.")
    registered = ACTIONS.get(job.kind)
    if registered is None:
        return finish(job, Job.Status.FAILED, error=f"Unknown kind of job: {job.kind}")

    try:
        with lease_renewed(job.pk):
            result = registered.run(job, client_for(job.connection))
    except Continue:
        Job.objects.filter(pk=job.pk).update(lease_until=None, status=Job.Status.QUEUED)
        send(job.pk)
        return job
    except GitBookError as exc:
        if is_transient(exc) and not final_attempt:
            Job.objects.filter(pk=job.pk).update(
                status=Job.Status.QUEUED, lease_until=None, error=f"Will retry: {exc}"
            )
            raise RetryLater(exc) from exc
        return finish(job, Job.Status.FAILED, error=str(exc))
    except Exception:
        # A bug must not leave the job "running" for ever: fail it visibly.
        log.exception(
            "Job %s (%s) failed",
            job.pk,
            job.kind,
            extra={"job_id": job.pk, "kind": job.kind, "connection_id": job.connection_id},
        )
        return finish(
            job, Job.Status.FAILED, error="The console failed to run this job; see the worker log."
        )
    for name in registered.invalidates:
        invalidate(job.connection_id, name)
    job.refresh_from_db(fields=["status"])
    if job.finished:
        return job  # the action settled it itself (a long job stopped on request)
    return finish(job, Job.Status.SUCCEEDED, result=result or {})


@contextmanager
def lease_renewed(job_id: int) -> Iterator[None]:
    """Renew a running job's lease from a thread of its own while the block runs."""
    stop = threading.Event()

    def renew() -> None:
        try:
            while not stop.wait(lease().total_seconds() / 4):
                try:
                    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
                        lease_until=timezone.now() + lease()
                    )
                except DatabaseError as exc:
                    log.warning(
                        "Could not renew the lease of job %s: %s",
                        job_id,
                        exc,
                        extra={"job_id": job_id},
                    )
        finally:
            db_connection.close()

    renewer = threading.Thread(target=renew, name=f"job-{job_id}-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()


def finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> Job:
    job.status = status
    job.error = error
    if result is not None:
        job.result = result
    job.finished_at = timezone.now()
    job.lease_until = None
    job.save(update_fields=["status", "error", "result", "finished_at", "lease_until"])
    return job


def mark_sent(job: Job) -> None:
    """Record, before a call that is not safe to repeat, that it is about to be sent."""
    job.sent_at = timezone.now()
    job.save(update_fields=["sent_at"])


def resend_stuck_jobs(older_than: timedelta | None = None) -> int:
    """Send again the jobs still queued a while after they were saved (their
    message was lost with a worker or with Redis), and the running ones whose
    worker stopped renewing its lease (it died)."""
    now = timezone.now()
    if older_than is None:
        older_than = lease()
    stuck = Q(status=Job.Status.QUEUED, created_at__lt=now - older_than) | Q(
        status=Job.Status.RUNNING, lease_until__lt=now
    )
    ids = list(Job.objects.filter(stuck).values_list("pk", flat=True))
    for job_id in ids:
        send(job_id)
    return len(ids)
