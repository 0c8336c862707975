from celery import shared_task

from dashboard.imports import following


@shared_task(ignore_result=True)
def follow_imports(connection_id: int) -> None:
    """Read the connection's import runs that are due, then send itself again."""
    following.follow(connection_id)


@shared_task(ignore_result=True)
def resume_import_followers() -> int:
    """Run by beat: restart the followers whose message was lost with a worker or Redis."""
    return following.resume_overdue()
