import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

app = Celery("dashboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs):
    """Log from workers and beat exactly as the web does (settings.LOGGING,
    LOG_FORMAT, LOG_LEVEL). Without a receiver for this signal Celery replaces
    the root logger's handlers with its own format; `--loglevel` is then unused."""
    from django.conf import settings
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
