"""Seeds the world from ``FakeConfig.seed``: organizations, collections, spaces, sites."""

from __future__ import annotations

import random
from fractions import Fraction

from . import names
from .clock import FakeClock
from .config import FakeConfig
from .content import ContentStore, TargetPool
from .ids import iso, make_id, slugify
from .state import Collection, Finding, Organization, Redirect, Site, Space, User, World

DAY = 86400.0


def build_world(config: FakeConfig, clock: FakeClock) -> World:
    world = World(config, clock)
    rng = random.Random(f"{config.seed}:world")
    now = clock.now()
    name = rng.choice(names.USERS)
    world.user = User(
        make_id(rng, 28), name, f"{slugify(name, 'user').replace('-', '.')}@acme.example"
    )

    second_size = max(5, min(40, config.spaces // 10))
    plans = [
        (rng.choice(names.ORGANIZATIONS), "admin", config.spaces, "enterprise_2024"),
        (rng.choice(names.SECOND_ORGANIZATIONS), "admin", second_size, "pro_2024"),
        (rng.choice(names.READ_ONLY_ORGANIZATIONS), "read", 4, "plus_2024"),
    ]
    for title, role, space_count, plan in plans:
        org = Organization(
            id=make_id(rng),
            title=title,
            hostname=slugify(title, "docs")[:24],
            created_at=now - rng.uniform(400, 1500) * DAY,
            role=role,
            plan=plan,
            seq=world.next_seq(),
        )
        world.organizations[org.id] = org
        _seed_organization(world, rng, org, space_count, now)

    pool = TargetPool(
        space_ids=tuple(sid for ids in world.seeded_spaces.values() for sid in ids),
        collection_ids=tuple(world.collections),
        user_id=world.user.id,
    )
    world.content = ContentStore(config, pool)
    for org in world.organizations.values():
        _seed_sites(world, rng, org, now)
    return world


def _seed_organization(world: World, rng: random.Random, org: Organization, count: int, now: float):
    collections: list[Collection] = []
    ranks: dict[str | None, int] = {}

    def next_rank(parent_id: str | None) -> Fraction:
        ranks[parent_id] = ranks.get(parent_id, 0) + 1
        return Fraction(ranks[parent_id])

    depth: dict[str, int] = {}
    for _ in range(max(2, count // 12) if count >= 10 else 1):
        parent = None
        if collections and rng.random() < 0.6:
            parent = rng.choice(collections)
            if depth[parent.id] >= 3:
                parent = None
        base = rng.choice(names.COLLECTIONS)
        collection = Collection(
            id=make_id(rng),
            org_id=org.id,
            title=f"{base} {rng.choice(['', 'Team', 'Docs', 'Internal', 'Public'])}".strip(),
            description=rng.choice(names.COLLECTION_DESCRIPTIONS),
            parent_id=parent.id if parent else None,
            rank=next_rank(parent.id if parent else None),
            default_level=rng.choice(["inherit", "inherit", "read", "edit"]),
            created_at=org.created_at + rng.uniform(1, 300) * DAY,
            seq=world.next_seq(),
        )
        depth[collection.id] = depth[parent.id] + 1 if parent else 1
        collections.append(collection)
        world.collections[collection.id] = collection

    seeded: list[str] = []
    deleted_recently = max(2, count // 50) if count >= 10 else 1
    for index in range(count + deleted_recently + 1):
        parent = rng.choice(collections) if collections and rng.random() < 0.75 else None
        space = _seed_space(world, rng, org, parent, next_rank(parent.id if parent else None), now)
        if index >= count:  # the extra ones are soft-deleted: most restorable, one purged
            days_ago = (
                rng.uniform(0.5, 6) if index < count + deleted_recently else rng.uniform(9, 30)
            )
            space.deleted_at = now - days_ago * DAY
            space.updated_at = max(space.updated_at, space.deleted_at)
        else:
            seeded.append(space.id)
        world.spaces[space.id] = space
    world.seeded_spaces[org.id] = seeded


def _seed_space(world, rng, org, parent, rank, now) -> Space:
    config = world.config
    title = f"{rng.choice(names.SPACE_SUBJECTS)} {rng.choice(names.SPACE_KINDS)}"
    if config.hostile and rng.random() < 0.05:
        title = rng.choice(names.HOSTILE_TITLES)
    visibilities = (
        ["private"] * 7 + ["public"] * 4 + ["unlisted", "unlisted", "share-link", "visitor-auth"]
    )
    if parent is not None:
        visibilities += ["in-collection"] * 4
    created = now - rng.uniform(30, 900) * DAY
    change_requests = rng.choice([0, 0, 1, 3, 8, 20, 55])
    space = Space(
        id=make_id(rng),
        org_id=org.id,
        title=title[:50],
        emoji=rng.choice(names.EMOJIS) if rng.random() < 0.6 else "",
        visibility=rng.choice(visibilities),
        edit_mode="locked" if rng.random() < 0.15 else "live",
        default_level=rng.choice(["inherit"] * 6 + ["read", "comment", "edit", "review"]),
        parent_id=parent.id if parent else None,
        rank=rank,
        revision=make_id(rng),
        created_at=created,
        updated_at=created + rng.uniform(0, now - created),
        seq=world.next_seq(),
        content_key="",
        comments=rng.choice([0, 0, 0, 1, 2, 5, 12, 40]),
        change_requests=change_requests,
        change_requests_open=rng.randint(0, min(change_requests, 6)),
        change_requests_draft=rng.randint(0, min(change_requests, 2)),
        language=rng.choice([None] * 8 + ["en", "fr", "de", "ja"]),
    )
    space.content_key = space.id
    if rng.random() < 0.08:
        repo = f"{org.hostname}/{slugify(title, 'docs')}"
        space.git_sync = {
            "repoName": repo,
            "installationProvider": "github",
            "integration": "github",
            "url": f"https://github.com/{repo}/tree/main",
            "updatedAt": iso(space.updated_at),
        }
    return space


def _seed_sites(world: World, rng: random.Random, org: Organization, now: float) -> None:
    candidates = [world.spaces[sid] for sid in world.seeded_spaces[org.id]]
    site_count = (
        4 if org.role == "admin" and len(candidates) > 20 else (2 if org.role == "admin" else 1)
    )
    for index in range(site_count):
        chosen = rng.sample(candidates, min(len(candidates), rng.randint(1, 4)))
        title = f"{rng.choice(names.SPACE_SUBJECTS)} Docs"
        site = Site(
            id="site_" + make_id(rng, 5),
            org_id=org.id,
            title=title,
            type=rng.choice(["basic", "premium", "premium", "ultimate"]),
            visibility=rng.choice(["public", "public", "unlisted", "share-link", "visitor-auth"]),
            published=index == 0 or rng.random() < 0.7,
            basename=f"{slugify(title, 'docs')}-{index + 1}",
            created_at=org.created_at + rng.uniform(10, 300) * DAY,
            site_spaces=[("sitesp_" + make_id(rng, 5), space.id) for space in chosen],
            seq=world.next_seq(),
        )
        world.sites[site.id] = site
        world.findings[site.id] = _seed_findings(world, rng, site, now)
        world.redirects[site.id] = _seed_redirects(world, rng, site, now)


def _seed_findings(world: World, rng: random.Random, site: Site, now: float) -> list[Finding]:
    hostile = world.config.hostile
    findings = []
    for _ in range(rng.randint(8, 30)):
        kind = rng.choices(
            ["broken-link", "outbound-link-error", "content-gap", "content-outdated", "other"],
            weights=[45, 25, 15, 10, 5],
        )[0]
        created = now - rng.uniform(1, 60) * DAY
        finding = Finding(
            id=make_id(rng),
            site_id=site.id,
            scan="scan_" + make_id(rng, 12),
            topic=make_id(rng) if rng.random() < 0.4 else None,
            title="",
            type=kind,
            status=rng.choices(["open", "candidate", "done", "canceled"], weights=[70, 10, 15, 5])[
                0
            ],
            severity=rng.choice(["low", "medium", "medium", "high"]),
            created_at=created,
            updated_at=created + rng.uniform(0, now - created),
            seq=world.next_seq(),
            text="",
            pages=rng.randint(1, 6),
            records=rng.randint(0, 40),
            questions=rng.randint(0, 12),
            change_requests=rng.choice([0, 0, 0, 1]),
        )
        if kind == "broken-link":
            site_space_id, space_id = rng.choice(site.site_spaces)
            space = world.spaces[space_id]
            content = world.content.get(space.content_key, space.created_at)
            space_slug = slugify(space.title, "docs")
            old = slugify(rng.choice(names.GHOST_PAGE_TITLES + names.PAGE_TITLES))
            finding.broken_path = f"/{space_slug}/{old}-{rng.randint(1, 99)}"
            finding.title = f"Broken link: {finding.broken_path} returns 404"
            finding.text = f"Visitors reached {finding.broken_path}, which does not exist."
            if rng.random() < 0.7:
                target = rng.choice(content.pages)
                finding.broken_link_action = {
                    "source": finding.broken_path,
                    "captureWildcard": False,
                    "destination": {"kind": "path", "spaceId": space.id, "path": target.path},
                }
        elif kind == "outbound-link-error":
            url = rng.choice(
                names.HOSTILE_URLS[:1] if hostile and rng.random() < 0.2 else names.FAILING_URLS
            )
            failure = rng.choice(
                [
                    ("client-error", 404),
                    ("server-error", 503),
                    ("dns", None),
                    ("timeout", None),
                    ("tls", None),
                ]
            )
            finding.title = f"Outbound link fails: {url}"
            finding.text = f"The external link {url} failed ({failure[0]})."
            finding.outbound_link = {
                "url": url,
                "status": rng.choice(["failed", "failed", "suspect"]),
                "failureKind": failure[0],
                "checkedAt": iso(finding.updated_at),
            }
            if failure[1]:
                finding.outbound_link["httpStatus"] = failure[1]
        else:
            gap = rng.choice(names.FINDING_GAPS)
            if hostile and rng.random() < 0.2:
                gap = rng.choice(names.HOSTILE_TITLES)
            finding.title = gap
            finding.text = f"Readers asked about this {finding.questions} times."
        findings.append(finding)
    return findings


def _seed_redirects(world: World, rng: random.Random, site: Site, now: float) -> list[Redirect]:
    redirects = []
    for index in range(rng.randint(1, 5)):
        site_space_id, _space_id = rng.choice(site.site_spaces)
        created = now - rng.uniform(5, 200) * DAY
        redirects.append(
            Redirect(
                id=make_id(rng),
                site_id=site.id,
                source=f"/legacy/{slugify(rng.choice(names.PAGE_TITLES))}-{index}",
                destination={"kind": "site-space", "siteSpaceId": site_space_id},
                draft=rng.random() < 0.2,
                permanent=rng.random() < 0.5,
                capture_wildcard=False,
                created_at=created,
                updated_at=created,
                seq=world.next_seq(),
            )
        )
    return redirects
