"""What a worker does for each kind of space job. Views enqueue; these run.

Each action is safe to run twice: updates and moves set a state, delete and
restore treat "already so" as done, and the calls that create something
(create, duplicate, transfer) record that they were sent and, on a second
run, look for what the first one made before sending again.
"""

from datetime import timedelta

from django.utils import timezone

from dashboard.jobs.models import Job
from dashboard.jobs.service import action, mark_sent
from dashboard.spaces import index
from dashboard.spaces.models import DeletedSpace
from gitbook_api import GitBookClient
from gitbook_api.errors import Conflict, NotFound
from gitbook_api.models import Space

# The fields of UpdateSpace the console edits, as the API names them.
EDITABLE_FIELDS = {
    "title": "title",
    "emoji": "emoji",
    "editMode": "edit_mode",
    "defaultLevel": "default_level",
}
SPACE_READS = ("space", "spaces_page", "organization")


@action("space.update", invalidates=SPACE_READS)
def update_space(job: Job, client: GitBookClient) -> dict:
    changes = {EDITABLE_FIELDS[name]: value for name, value in job.arguments["changes"].items()}
    space = client.update_space(job.target_id, **changes)
    index.patch_space(job.connection_id, space.raw)
    return {"space": space.raw}


@action("space.move", invalidates=SPACE_READS)
def move_space(job: Job, client: GitBookClient) -> dict:
    arguments = job.arguments
    position = {}
    if arguments.get("before"):
        position["before"] = tuple(arguments["before"])
    elif arguments.get("after"):
        position["after"] = tuple(arguments["after"])
    try:
        space = client.move_space(job.target_id, parent=arguments.get("parent"), **position)
    except Conflict:
        # 409: the space is already where it was asked to go (perhaps by a
        # first attempt whose answer was lost).
        space = client.get_space(job.target_id)
    index.patch_space(job.connection_id, space.raw)
    return {"space": space.raw}


@action("space.delete", invalidates=SPACE_READS)
def delete_space(job: Job, client: GitBookClient) -> dict:
    outcome = client.delete_space(job.target_id)
    index.remove_space(job.connection_id, job.target_id)
    DeletedSpace.objects.update_or_create(
        connection_id=job.connection_id,
        space_id=job.target_id,
        restored_at=None,
        defaults={
            "title": job.arguments.get("title", ""),
            "deleted_by": job.created_by,
            "deleted_at": timezone.now(),
        },
    )
    return {"outcome": str(outcome)}


@action("space.restore", invalidates=SPACE_READS)
def restore_space(job: Job, client: GitBookClient) -> dict:
    space = restore(client, job.target_id)
    index.patch_space(job.connection_id, space.raw)
    DeletedSpace.objects.filter(
        connection_id=job.connection_id, space_id=job.target_id, restored_at=None
    ).update(restored_at=timezone.now())
    return {"space": space.raw}


@action("space.create", invalidates=SPACE_READS)
def create_space(job: Job, client: GitBookClient) -> dict:
    arguments = job.arguments
    org_id = job.connection.organization_id
    if job.sent_at and (found := find_created_space(client, org_id, job, arguments["title"])):
        space = found
    else:
        mark_sent(job)
        space = client.create_space(
            org_id,
            title=arguments["title"],
            emoji=arguments.get("emoji") or None,
            parent=arguments.get("parent") or None,
        )
    index.patch_space(job.connection_id, space.raw)
    return {"space": space.raw, "created": space.id}


@action("space.duplicate", invalidates=SPACE_READS)
def duplicate_space(job: Job, client: GitBookClient) -> dict:
    org_id = job.connection.organization_id
    title = job.arguments.get("title", "")
    found = job.sent_at and find_created_space(client, org_id, job, title, exclude=job.target_id)
    if found:
        space = found
    else:
        mark_sent(job)
        space = client.duplicate_space(job.target_id)
    index.patch_space(job.connection_id, space.raw)
    return {"space": space.raw, "created": space.id}


@action("space.transfer", invalidates=SPACE_READS)
def transfer_space(job: Job, client: GitBookClient) -> dict:
    target = job.arguments["organization"]
    mark_sent(job)
    try:
        space = client.transfer_space(job.target_id, organization=target)
    except Conflict:
        space = client.get_space(job.target_id)
        if space.organization != target:
            raise
    except NotFound:
        # The newest API dropped transfer: a space that exists but cannot be
        # transferred means the endpoint is gone for this organization.
        client.get_space(job.target_id)
        connection = job.connection
        connection.transfer_unavailable = True
        connection.save(update_fields=["transfer_unavailable"])
        raise
    index.remove_space(job.connection_id, job.target_id)
    return {"space": space.raw, "organization": target}


def restore(client: GitBookClient, space_id: str) -> Space:
    """Restore a deleted space. A 409 from a space that is no longer deleted
    (an earlier attempt whose answer was lost restored it) counts as done."""
    try:
        return client.restore_space(space_id)
    except Conflict:
        space = client.get_space(space_id)
        if space.is_deleted:
            raise
        return space


def find_created_space(client: GitBookClient, org_id: str, job: Job, title: str, exclude=""):
    """A space made by an earlier attempt of this job whose answer was lost."""
    since = job.sent_at - timedelta(seconds=5)
    for space in client.list_spaces(org_id):
        if space.id == exclude or space.created_at is None or space.created_at < since:
            continue
        if (space.title or "").startswith(title):
            return space
    return None
