"""Backing up the console's own data, and bringing it back."""

import io
import json

import pytest
from django.core.management import call_command

from dashboard.accounts.models import Connection, User
from dashboard.jobs import service
from dashboard.jobs.models import AuditEntry, Job

pytestmark = pytest.mark.django_db


def test_an_export_holds_the_console_data_but_no_token_or_password(
    admin, connection, fake_gitbook, monkeypatch
):
    monkeypatch.setattr(service, "send", lambda job_id: None)
    service.enqueue(
        user=admin,
        connection=connection,
        kind="space.update",
        description="Rename",
        arguments={"changes": {"title": "x"}},
        target_id="s1",
    )
    out = io.StringIO()

    call_command("console_data", "export", stdout=out)

    text = out.getvalue()
    rows = json.loads(text)
    models = {row["model"] for row in rows}
    assert {"accounts.user", "accounts.connection", "jobs.job", "jobs.auditentry"} <= models
    assert fake_gitbook.token not in text
    assert connection.token_encrypted not in text
    assert admin.password not in text


def test_an_export_imports_back_into_an_empty_console(admin, connection, monkeypatch, tmp_path):
    monkeypatch.setattr(service, "send", lambda job_id: None)
    service.enqueue(
        user=admin,
        connection=connection,
        kind="space.update",
        description="Rename",
        arguments={"changes": {"title": "x"}},
        target_id="s1",
    )
    backup = tmp_path / "console.json"
    out = io.StringIO()
    call_command("console_data", "export", stdout=out)
    backup.write_text(out.getvalue())
    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    Job.objects.all().delete()
    Connection.objects.all().delete()
    User.objects.all().delete()

    call_command("console_data", "import", str(backup), stderr=io.StringIO())

    assert User.objects.get(username=admin.username).has_usable_password() is False
    restored = Connection.objects.get(organization_id=connection.organization_id)
    assert restored.token_encrypted == ""
    assert Job.objects.get().description == "Rename"
    assert AuditEntry.objects.get().username == admin.username


def test_importing_something_else_says_so(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.json"
    bad.write_text("not json at all")

    with pytest.raises(CommandError, match="not an export of the console"):
        call_command("console_data", "import", str(bad))


def test_a_restored_connection_without_its_token_says_so_instead_of_failing(
    client, viewer, connection
):
    Connection.objects.filter(pk=connection.pk).update(token_encrypted="")
    client.force_login(viewer)

    response = client.get("/")

    assert response.status_code == 200
    assert "token is missing or unreadable" in response.text
