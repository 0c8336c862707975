from django.conf import settings
from django.db import models

from dashboard.accounts.models import Connection


class DeletedSpace(models.Model):
    """A space deleted through the console, for the trash page (GitBook keeps it 7 days)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE)
    space_id = models.CharField(max_length=100)
    title = models.CharField(max_length=300, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    deleted_at = models.DateTimeField()
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-deleted_at"]
        indexes = [models.Index(fields=["connection", "space_id"])]

    def __str__(self) -> str:
        return f"{self.title or self.space_id} (deleted {self.deleted_at:%Y-%m-%d})"
