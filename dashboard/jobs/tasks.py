from celery import shared_task

from dashboard.jobs import service

MAX_RETRIES = 5


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def run_job(self, job_id: int) -> None:
    try:
        service.run(job_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except service.RetryLater as exc:
        countdown = getattr(exc.cause, "retry_after", None) or min(60, 2**self.request.retries)
        raise self.retry(countdown=countdown) from exc


@shared_task(ignore_result=True)
def resend_stuck_jobs() -> int:
    return service.resend_stuck_jobs()
