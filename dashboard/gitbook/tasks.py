import time

from celery import shared_task
from celery.signals import worker_ready

from dashboard.accounts.models import Connection
from dashboard.gitbook import cache
from dashboard.gitbook.redis import get_redis

HEARTBEAT_KEY = "console:worker:heartbeat"


@shared_task(ignore_result=True)
def refresh_read(connection_id: int, name: str, params: dict) -> None:
    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:
        return
    cache.refresh(connection, name, params)


@shared_task(ignore_result=True)
def record_worker_heartbeat() -> None:
    get_redis().set(HEARTBEAT_KEY, time.time(), ex=120)


@worker_ready.connect
def record_heartbeat_on_start(**kwargs) -> None:
    record_worker_heartbeat()


def last_worker_heartbeat() -> float | None:
    raw = get_redis().get(HEARTBEAT_KEY)
    return float(raw) if raw is not None else None
