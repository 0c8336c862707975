"""Operations on the user, organizations, collections and spaces."""

from __future__ import annotations

from .call import Call, Reply
from .errors import ApiError
from .ids import iso
from .pagination import paginate
from .state import RETENTION_SECONDS, Space

COPY_SUFFIX = " (copy)"


def get_authenticated_user(call: Call) -> Reply:
    return Reply(200, call.render.user())


def list_organizations(call: Call) -> Reply:
    orgs = list(call.world.organizations.values())
    return Reply(200, paginate(orgs, _by_seq, call.query, "orgs", call.render.organization))


def get_organization(call: Call) -> Reply:
    return Reply(
        200, call.render.organization(call.world.organization(call.params["organizationId"]))
    )


def list_spaces(call: Call) -> Reply:
    org = call.world.organization(call.params["organizationId"])
    spaces = call.world.live_spaces(org.id)
    return Reply(200, paginate(spaces, _by_seq, call.query, f"spaces:{org.id}", call.render.space))


def list_collections(call: Call) -> Reply:
    org = call.world.organization(call.params["organizationId"])
    nested = call.flag("nested", default=True)
    collections = [
        c
        for c in call.world.collections.values()
        if c.org_id == org.id and (nested or c.parent_id is None)
    ]
    scope = f"collections:{org.id}:{nested}"
    return Reply(200, paginate(collections, _by_seq, call.query, scope, call.render.collection))


def get_collection(call: Call) -> Reply:
    return Reply(200, call.render.collection(call.world.collection(call.params["collectionId"])))


def list_collection_spaces(call: Call) -> Reply:
    collection = call.world.collection(call.params["collectionId"])
    spaces = [s for s in call.world.live_spaces(collection.org_id) if s.parent_id == collection.id]
    scope = f"collection-spaces:{collection.id}"
    return Reply(200, paginate(spaces, _by_rank, call.query, scope, call.render.space))


def create_space(call: Call) -> Reply:
    world, body = call.world, call.body
    org = world.organization(call.params["organizationId"])
    world.require_writer(org, "create spaces")
    parent_id = body.get("parent")
    if parent_id is not None:
        world.collection(parent_id, org.id)
    now = call.now
    space = Space(
        id=world.new_id(),
        org_id=org.id,
        title=body.get("title", "Untitled"),
        emoji=body.get("emoji", ""),
        visibility="in-collection" if parent_id else "private",
        edit_mode=body.get("editMode", "live"),
        default_level="inherit",
        parent_id=parent_id,
        rank=world.rank_at_end(org.id, parent_id),
        revision=world.new_id(),
        created_at=now,
        updated_at=now,
        seq=world.next_seq(),
        content_key="",
        language=body.get("language"),
    )
    space.content_key = space.id
    world.spaces[space.id] = space
    return _created(call, space)


def get_space(call: Call) -> Reply:
    return Reply(
        200, call.render.space(call.world.space(call.params["spaceId"], allow_deleted=True))
    )


def update_space(call: Call) -> Reply:
    world, body = call.world, call.body
    space = world.space(call.params["spaceId"])
    world.require_writer(world.organizations[space.org_id], "edit spaces")
    if "title" in body:
        space.title = body["title"]
    if "emoji" in body:
        space.emoji = body["emoji"] or ""
        if body["emoji"]:
            space.icon = None
    if "icon" in body:
        space.icon = body["icon"]
        if body["icon"]:
            space.emoji = ""
    if "editMode" in body:
        space.edit_mode = body["editMode"]
    if "defaultLevel" in body:
        space.default_level = body["defaultLevel"]
    if "language" in body:
        space.language = body["language"]
    if "mergeRules" in body:
        space.merge_rules = body["mergeRules"]
    space.updated_at = call.now
    return Reply(200, call.render.space(space))


def delete_space(call: Call) -> Reply:
    world = call.world
    space = world.spaces.get(call.params["spaceId"])
    if space is None or space.deleted_at is not None:
        return Reply(204)  # it did not exist (or no longer does): gone either way
    world.require_writer(world.organizations[space.org_id], "delete spaces")
    space.deleted_at = call.now
    return Reply(205)


def restore_space(call: Call) -> Reply:
    world = call.world
    space = world.spaces.get(call.params["spaceId"])
    if space is None:
        raise ApiError(404, f"No space found with id {call.params['spaceId']!r}")
    if space.deleted_at is None:
        raise ApiError(409, f"Space {space.id!r} is not deleted: there is nothing to restore")
    if world.is_purged(space):
        days = RETENTION_SECONDS // 86400
        raise ApiError(
            400,
            f"Space {space.id!r} was deleted on {iso(space.deleted_at)}, more than {days} days"
            f" ago: it is past the {days}-day retention window and can no longer be restored",
        )
    world.require_writer(world.organizations[space.org_id], "restore spaces")
    space.deleted_at = None
    space.updated_at = call.now
    return Reply(200, call.render.space(space))


def duplicate_space(call: Call) -> Reply:
    world = call.world
    original = world.space(call.params["spaceId"])
    world.require_writer(world.organizations[original.org_id], "duplicate spaces")
    now = call.now
    copy = Space(
        id=world.new_id(),
        org_id=original.org_id,
        title=original.title[: 50 - len(COPY_SUFFIX)] + COPY_SUFFIX,
        emoji=original.emoji,
        visibility=original.visibility,
        edit_mode=original.edit_mode,
        default_level=original.default_level,
        parent_id=original.parent_id,
        rank=world.rank_after(original),
        revision=world.new_id(),
        created_at=now,
        updated_at=now,
        seq=world.next_seq(),
        content_key=original.content_key,
        language=original.language,
        icon=original.icon,
        merge_rules=original.merge_rules,
    )
    world.spaces[copy.id] = copy
    return _created(call, copy)


def move_space(call: Call) -> Reply:
    world, body = call.world, call.body
    space = world.space(call.params["spaceId"])
    world.require_writer(world.organizations[space.org_id], "move spaces")
    parent_id = body.get("parent", space.parent_id)
    if parent_id is not None:
        world.collection(parent_id, space.org_id)
    others = [c for c in world.siblings(space.org_id, parent_id) if c is not space]
    index = len(others)
    position = body.get("position")
    if position is not None:
        index = _position_index(world, space, parent_id, others, position)
    before = others[index - 1] if index > 0 else None
    after = others[index] if index < len(others) else None
    if parent_id == space.parent_id:
        current = world.siblings(space.org_id, parent_id)
        at = next(i for i, item in enumerate(current) if item is space)
        now_before = current[at - 1] if at > 0 else None
        now_after = current[at + 1] if at + 1 < len(current) else None
        if now_before is before and now_after is after:
            raise ApiError(409, "The space is already at that position: nothing would change")
    if before is None and after is None:
        rank = space.rank
    elif after is None:
        rank = before.rank + 1
    elif before is None:
        rank = after.rank - 1
    else:
        rank = (before.rank + after.rank) / 2
    space.parent_id, space.rank = parent_id, rank
    if parent_id is None and space.visibility == "in-collection":
        space.visibility = "private"  # in-collection only exists inside a collection
    space.updated_at = call.now
    return Reply(200, call.render.space(space))


def _position_index(world, space, parent_id, others, position: dict) -> int:
    if ("before" in position) == ("after" in position):
        raise ApiError(400, "position must have exactly one of before or after")
    where = "before" if "before" in position else "after"
    pointer = position[where]
    kind = pointer["type"]
    target_id = pointer[kind]
    if kind == "space" and target_id == space.id:
        raise ApiError(409, f"Cannot move a space {where} itself: nothing would change")
    pool = world.spaces if kind == "space" else world.collections
    sibling = pool.get(target_id)
    at = next((i for i, item in enumerate(others) if item is sibling), None)
    if sibling is None or at is None:
        where_to = f"collection {parent_id!r}" if parent_id else "the top level"
        raise ApiError(
            400,
            f"Invalid position: {kind} {target_id!r} is not an item of {where_to}",
        )
    return at if where == "before" else at + 1


def transfer_space(call: Call) -> Reply:
    world = call.world
    space = world.space(call.params["spaceId"])
    target = world.organization(call.body["organization"])
    source = world.organizations[space.org_id]
    if target.id == source.id:
        raise ApiError(409, f"Space {space.id!r} already belongs to organization {target.id!r}")
    world.require_writer(source, "transfer spaces")
    world.require_writer(target, "receive spaces")
    if space.git_sync:
        raise ApiError(
            412,
            f"Space {space.id!r} is synchronized with Git ({space.git_sync['repoName']}) and"
            " cannot be moved to another organization: disconnect Git Sync first",
        )
    space.org_id, space.parent_id = target.id, None
    space.rank = world.rank_at_end(target.id, None)
    if space.visibility == "in-collection":
        space.visibility = "private"
    space.updated_at = call.now
    return Reply(200, call.render.space(space))


def _created(call: Call, space: Space) -> Reply:
    location = f"{call.api_base}/spaces/{space.id}"
    return Reply(201, call.render.space(space), {"Location": location})


def _by_seq(item) -> tuple:
    return (item.seq,)


def _by_rank(item) -> tuple:
    return (item.rank, item.seq)
