from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F
from django.utils.crypto import salted_hmac

from dashboard.accounts import crypto


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    OPERATOR = "operator", "Operator"
    ADMIN = "admin", "Admin"


ROLE_RANK = {Role.VIEWER: 0, Role.OPERATOR: 1, Role.ADMIN: 2}


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    # Part of every session's check: raising it logs the user out everywhere.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "dashboard.accounts.session",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    def log_out_everywhere(self) -> None:
        User.objects.filter(pk=self.pk).update(session_generation=F("session_generation") + 1)

    def has_role(self, role: str) -> bool:
        """True when this user's role is ``role`` or above it."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True  # made with createsuperuser: an admin whatever the role field says
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]

    @property
    def is_operator(self) -> bool:
        return self.has_role(Role.OPERATOR)

    @property
    def is_console_admin(self) -> bool:
        return self.has_role(Role.ADMIN)


class Connection(models.Model):
    """One GitBook organization reached with one token."""

    name = models.CharField(max_length=100)
    api_url = models.URLField(max_length=300)
    organization_id = models.CharField(max_length=100)
    token_encrypted = models.TextField(editable=False)
    # Set when this organization's API answered 404 to a transfer: the
    # newest GitBook API no longer offers it, so the console stops offering it.
    transfer_unavailable = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_url", "organization_id"], name="one_connection_per_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Connection {self.pk} {self.name!r} org={self.organization_id}>"

    @property
    def token(self) -> str:
        return crypto.decrypt(self.token_encrypted)

    def set_token(self, token: str) -> None:
        self.token_encrypted = crypto.encrypt(token)
