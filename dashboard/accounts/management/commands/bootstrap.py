"""Prepare a fresh install: a demo admin once, and the first organization connection."""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from dashboard.accounts.connections import ensure_environment_connection
from dashboard.accounts.models import Role, User

DEMO_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the demo admin (once) and the connection the GITBOOK_* settings describe."

    def handle(self, *args, **options):
        # A demo login is for a laptop; a deployment creates its admins with
        # `manage.py createsuperuser`.
        password = ensure_demo_admin() if settings.DEBUG else None
        connection = ensure_environment_connection()
        if connection is None:
            self.stderr.write(f"No organization connected: cannot reach {settings.GITBOOK_API_URL}")
        else:
            self.stderr.write(f"Organization: {connection.name} ({connection.organization_id})")
        if password:
            self.stdout.write(f"{DEMO_USERNAME} / {password}")


def ensure_demo_admin() -> str | None:
    """Create the demo admin on first run; return its password, or None if unknown.

    The password is kept in VAR_DIR so every later `make run` can print it.
    """
    password_file = settings.VAR_DIR / "demo-admin-password"
    if User.objects.filter(username=DEMO_USERNAME).exists():
        return password_file.read_text().strip() if password_file.exists() else None
    if User.objects.exists():
        return None
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(DEMO_USERNAME, email="", password=password, role=Role.ADMIN)
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    return password
