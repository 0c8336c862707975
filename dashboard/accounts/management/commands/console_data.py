"""Export or import the console's own data as JSON, for backups and moves.

    manage.py console_data export > console.json
    manage.py console_data import console.json

Exported: users (without passwords), organization connections (without their
tokens), jobs, the audit log, the trash, link scans and their results, link
settings and import runs. GitBook's own data is not the console's to back up.
After an import, admins enter each connection's token again and users set
their passwords (`manage.py changepassword`).
"""

import json
import sys

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

# In dependency order, so an import can save each row after what it points to.
MODELS = [
    "accounts.User",
    "accounts.Connection",
    "jobs.Job",
    "jobs.AuditEntry",
    "spaces.DeletedSpace",
    "links.LinkScan",
    "links.ScanPart",
    "links.BrokenLink",
    "links.KnownTarget",
    "links.IgnoredTarget",
    "links.LinkHealthSettings",
    "imports.ImportBatch",
    "imports.ImportRun",
]
SECRET_FIELDS = {"accounts.User": {"password"}, "accounts.Connection": {"token_encrypted"}}


class Command(BaseCommand):
    help = "Export or import the console's own data as JSON (no tokens, no passwords)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("path", nargs="?", help="file to import ('-' or none: stdin)")

    def handle(self, *args, action, path, **options):
        if action == "export":
            self.stdout.write(export_json())
        else:
            text = sys.stdin.read() if path in (None, "-") else open(path).read()  # noqa: SIM115
            count = import_json(text)
            self.stderr.write(f"Imported {count} rows.")


def export_json() -> str:
    objects = []
    for label in MODELS:
        model = apps.get_model(label)
        secret = SECRET_FIELDS.get(label, set())
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.name not in secret and not f.primary_key
        ]
        objects.extend(serializers.serialize("python", model.objects.order_by("pk"), fields=fields))
    return json.dumps(objects, cls=DjangoJSONEncoder, indent=1)


def import_json(text: str) -> int:
    try:
        objects = list(serializers.deserialize("json", text, ignorenonexistent=True))
    except serializers.base.DeserializationError as exc:
        raise CommandError(f"This is not an export of the console: {exc}") from None
    with transaction.atomic():
        for item in objects:
            instance = item.object
            if instance._meta.label == "accounts.User":
                instance.set_unusable_password()
            if instance._meta.label == "accounts.Connection":
                instance.token_encrypted = ""
            item.save()
    return len(objects)
