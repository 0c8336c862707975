from django.conf import settings
from django.db import models

from dashboard.accounts.models import Connection


class Job(models.Model):
    """One change to GitBook (or one long piece of work), run by a Celery worker.

    This row, not the Celery result, is what the pages show.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    connection = models.ForeignKey(Connection, null=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=50)
    description = models.CharField(max_length=300)
    arguments = models.JSONField(default=dict)
    target_id = models.CharField(max_length=100, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Asked for while the job runs; long jobs check it between steps.
    cancel_requested = models.BooleanField(default=False)
    # Set just before a call that is not safe to repeat (create, duplicate,
    # transfer, start import): a retry then checks the outcome instead.
    sent_at = models.DateTimeField(null=True, blank=True)
    # While a worker runs the job; a job whose worker died can be claimed
    # again once this has passed, and a duplicate message meanwhile cannot.
    lease_until = models.DateTimeField(null=True, blank=True)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.description} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def duration(self):
        if self.started_at is None:
            return None
        return (self.finished_at or self.started_at) - self.started_at

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return round(100 * self.progress_done / self.progress_total)


class AuditEntry(models.Model):
    """Who asked for which change, with the state before and the state asked for.

    Entries are written once and never changed: the outcome is the job's.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150)
    connection = models.ForeignKey(Connection, null=True, on_delete=models.SET_NULL)
    organization_id = models.CharField(max_length=100)
    action = models.CharField(max_length=50, db_index=True)
    target_id = models.CharField(max_length=100, db_index=True)
    target_title = models.CharField(max_length=300, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    job = models.ForeignKey(Job, null=True, on_delete=models.SET_NULL, related_name="audit_entries")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are never deleted")

    @property
    def result(self) -> str:
        return self.job.status if self.job_id else "recorded"
