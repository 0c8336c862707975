from django.conf import settings
from django.db import models
from django.utils import timezone

from dashboard.accounts.models import Connection
from dashboard.jobs.models import Job


class ImportBatch(models.Model):
    """Many website imports asked for at once, each into its own new space."""

    connection = models.ForeignKey(Connection, null=True, on_delete=models.SET_NULL)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Batch #{self.pk} of {self.total} imports"


class ImportRun(models.Model):
    """One website import the console started (or was asked to start).

    The pages read this row, never the API: the follower task keeps it up to date.
    """

    class Status(models.TextChoices):
        # Before GitBook knows the run: the space may still be created.
        STARTING = "starting", "Starting"
        PENDING = "pending", "Pending"
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.PENDING, Status.IN_PROGRESS)
    UNFINISHED = (Status.STARTING, Status.PENDING, Status.IN_PROGRESS)
    FINISHED = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)

    connection = models.ForeignKey(Connection, null=True, on_delete=models.SET_NULL)
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    source_url = models.CharField(max_length=2000)
    space_id = models.CharField(max_length=100, blank=True, db_index=True)
    space_title = models.CharField(max_length=300, blank=True)
    # Set when the space is to be created by the start job (blank: an existing space).
    new_space = models.BooleanField(default=False)
    new_space_collection = models.CharField(max_length=100, blank=True)
    change_request = models.CharField(max_length=100, blank=True)
    page_id = models.CharField(max_length=100, blank=True)
    enhance = models.BooleanField(default=True)

    api_run_id = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.STARTING, db_index=True
    )
    pages_complete = models.PositiveIntegerField(default=0)
    pages_known = models.PositiveIntegerField(default=0)
    pages = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)

    # Set just before the calls that are not safe to repeat: a later attempt
    # looks for what an earlier one made instead of making it twice.
    space_sent_at = models.DateTimeField(null=True, blank=True)
    start_sent_at = models.DateTimeField(null=True, blank=True)

    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    poll_interval = models.FloatField(default=1.0)
    last_change_at = models.DateTimeField(null=True, blank=True)
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["connection", "status"])]

    def __str__(self) -> str:
        return f"Import of {self.source_url} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def active(self) -> bool:
        return self.status in self.UNFINISHED

    @property
    def can_cancel(self) -> bool:
        return self.active and not self.cancel_requested

    @property
    def can_retry(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.CANCELLED)

    @property
    def percent(self) -> int:
        if not self.pages_known:
            return 100 if self.status == self.Status.COMPLETED else 0
        return round(100 * self.pages_complete / self.pages_known)

    @property
    def elapsed_label(self) -> str:
        """How long it took, or has taken so far: "42 s", "3 min 5 s", "1 h 2 min"."""
        if self.started_at is None:
            return ""
        seconds = int(((self.finished_at or timezone.now()) - self.started_at).total_seconds())
        seconds = max(seconds, 0)
        if seconds < 60:
            return f"{seconds} s"
        if seconds < 3600:
            return f"{seconds // 60} min {seconds % 60} s"
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"

    @property
    def status_class(self) -> str:
        return {
            self.Status.COMPLETED: "status-succeeded",
            self.Status.FAILED: "status-failed",
            self.Status.CANCELLED: "",
        }.get(self.status, "status-running")

    @property
    def target_label(self) -> str:
        return self.space_title or self.space_id or "a new space"
