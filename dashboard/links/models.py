from django.conf import settings
from django.db import models

from dashboard.accounts.models import Connection
from dashboard.jobs.models import Job


class LinkScan(models.Model):
    """One scan of an organization's broken links (or of one space's), run as a job.

    The counters move while the scan runs; the counts at the end exclude the
    targets ignored at that time and are kept as the history the trends show.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Scope(models.TextChoices):
        ORGANIZATION = "organization", "Organization"
        SPACE = "space", "One space"

    class Trigger(models.TextChoices):
        MANUAL = "manual", "By hand"
        SCHEDULE = "schedule", "On schedule"

    OPEN = (Status.QUEUED, Status.RUNNING)

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="link_scans")
    job = models.OneToOneField(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="link_scan"
    )
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.ORGANIZATION)
    space_id = models.CharField(max_length=100, blank=True)
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moved by whoever works on the scan; a scan whose heartbeat stops is resumed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    prepared = models.BooleanField(default=False)
    spaces_total = models.PositiveIntegerField(default=0)
    spaces_done = models.PositiveIntegerField(default=0)
    sites_total = models.PositiveIntegerField(default=0)
    sites_done = models.PositiveIntegerField(default=0)
    broken_found = models.PositiveIntegerField(default=0)
    # None until asked: whether this organization's API offers each source.
    links_endpoint = models.BooleanField(null=True, blank=True)
    findings_endpoint = models.BooleanField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    broken_count = models.PositiveIntegerField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(null=True, blank=True)
    new_count = models.PositiveIntegerField(null=True, blank=True)
    fixed_count = models.PositiveIntegerField(null=True, blank=True)
    parts_failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    alert = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["connection", "scope", "status", "created_at"])]

    def __str__(self) -> str:
        return f"Link scan {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status not in self.OPEN

    @property
    def parts_total(self) -> int:
        return self.spaces_total + self.sites_total

    @property
    def parts_done(self) -> int:
        return self.spaces_done + self.sites_done

    @property
    def source(self) -> str:
        """Where the broken links came from, in words."""
        used = []
        if self.links_endpoint:
            used.append("space links")
        if self.findings_endpoint:
            used.append("site findings")
        return " and ".join(used) or "nothing yet"


class ScanPart(models.Model):
    """One piece of a scan: a space's broken links, or a site's findings.

    A part is claimed with a lease and walks its pages one at a time; each page's
    rows are written in the same transaction that moves ``cursor`` on, so a
    worker that dies resumes at the page it was on and nothing is counted twice.
    """

    class Kind(models.TextChoices):
        SPACE = "space", "Space"
        SITE = "site", "Site"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Scanning"
        DONE = "done", "Scanned"
        GONE = "gone", "Deleted meanwhile"
        SKIPPED = "skipped", "No links endpoint"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    OPEN = (Status.PENDING, Status.RUNNING)
    SCANNED = (Status.DONE, Status.GONE, Status.SKIPPED)

    scan = models.ForeignKey(LinkScan, on_delete=models.CASCADE, related_name="parts")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    space_id = models.CharField(max_length=100, blank=True)
    site_id = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=300, blank=True)
    # A site's published address, to show where its broken pages are.
    site_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Who holds the part now: a worker that lost its lease can no longer write.
    claim = models.CharField(max_length=32, blank=True)
    cursor = models.TextField(blank=True)
    pages_fetched = models.PositiveIntegerField(default=0)
    links_fetched = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Set when the scan finishes (spaces only): broken targets not ignored, how
    # often they appear, and the change since this space's previous result.
    broken_count = models.PositiveIntegerField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(null=True, blank=True)
    new_count = models.PositiveIntegerField(null=True, blank=True)
    fixed_count = models.PositiveIntegerField(null=True, blank=True)
    previous_scan = models.ForeignKey(
        LinkScan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The newest finished result of this space: what the overview ranks.
    is_latest = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scan", "kind", "space_id", "site_id"], name="one_part_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["scan", "status"]),
            models.Index(fields=["connection", "kind", "is_latest"]),
            models.Index(fields=["connection", "space_id", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.space_id or self.site_id} in scan {self.scan_id}"


class BrokenLink(models.Model):
    """One occurrence of a broken target: a broken link on one page, or one site finding.

    ``target_key`` names the target within its space (or site), the same across
    scans, for grouping, diffing, first seen and ignore rules; ``fingerprint``
    also covers what the target looks like, so an ignored target that changes
    comes back. Everything shown comes from the API and is untrusted.
    """

    class Source(models.TextChoices):
        LINKS = "links", "Space links"
        FINDING = "finding", "Site finding"

    scan = models.ForeignKey(LinkScan, on_delete=models.CASCADE, related_name="broken_links")
    # Empty for a site finding no space could be found for.
    space_id = models.CharField(max_length=100, blank=True)
    site_id = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    target_key = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=40)
    kind = models.CharField(max_length=16)
    label = models.CharField(max_length=500)
    target_url = models.TextField(blank=True)
    detail = models.CharField(max_length=300, blank=True)
    page_id = models.CharField(max_length=100, blank=True)
    page_title = models.CharField(max_length=300, blank=True)
    page_path = models.CharField(max_length=500, blank=True)
    page_url = models.TextField(blank=True)
    # How many occurrences this row stands for: 1 per page for links, the
    # finding's page count for a finding.
    weight = models.PositiveIntegerField(default=1)
    finding_id = models.CharField(max_length=100, blank=True)
    # The redirect that fixes a broken-link finding: site_id, source, destination.
    fix = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["scan", "space_id", "target_key"]),
            models.Index(fields=["scan", "target_key"]),
            models.Index(fields=["scan", "space_id", "page_id"]),
        ]

    def __str__(self) -> str:
        return self.label


class KnownTarget(models.Model):
    """When the console first saw a target broken."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    target_key = models.CharField(max_length=40)
    first_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "target_key"], name="one_first_seen_per_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_key} since {self.first_seen_at:%Y-%m-%d}"


class IgnoredTarget(models.Model):
    """A broken target a person decided to leave as it is, and why."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    target_key = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=40)
    space_id = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=500)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "target_key"], name="one_ignore_rule_per_target"
            )
        ]

    def __str__(self) -> str:
        return f"Ignore {self.label}"


class LinkHealthSettings(models.Model):
    """How often an organization is scanned, and who hears when broken links go up."""

    class Schedule(models.TextChoices):
        OFF = "off", "Off"
        HOURLY = "hourly", "Every hour"
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Every week"

    connection = models.OneToOneField(
        Connection, on_delete=models.CASCADE, related_name="link_health_settings"
    )
    schedule = models.CharField(max_length=8, choices=Schedule.choices, default=Schedule.OFF)
    alert_emails = models.TextField(blank=True)
    webhook_url = models.URLField(max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "link health settings"

    def __str__(self) -> str:
        return f"Link health settings of {self.connection}"

    @property
    def emails(self) -> list[str]:
        return [
            part.strip() for part in self.alert_emails.replace(";", ",").split(",") if part.strip()
        ]
