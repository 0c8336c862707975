"""Import runs: started by the API, crawled in the background, advanced by the fake clock.

A run is ``pending`` for one tick (1 / import_speed seconds), then
``in-progress``: page i appears (``pending``) at tick i and is ``complete`` one
tick later, as long as the crawl has found it. When the crawl is over and every
page is complete, the run is ``completed``. The state is brought up to date
whenever it is read, and every change made that way is counted for the stats.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import crawler
from .call import Call, Reply
from .errors import ApiError
from .ids import iso
from .pagination import paginate

TERMINAL = ("completed", "failed", "cancelled")
RUN_STATUSES = ("active", "pending", "in-progress", "completed", "failed", "cancelled")
NEVER_REPORTED_AFTER = 15 * 60  # fake seconds without a finished crawl


@dataclass(slots=True)
class Crawl:
    found: list[tuple[str | None, str]] = field(default_factory=list)  # (url, title)
    done: bool = False
    error: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)


@dataclass(slots=True)
class ImportRun:
    id: str
    org_id: str
    space_id: str
    change_request: str | None
    created_at: float
    seq: int
    crawl: Crawl
    status: str = "pending"
    pages: list[dict] = field(default_factory=list)
    completed_at: float | None = None
    reason: str | None = None


def bring_up_to_date(world, run: ImportRun) -> None:
    """Apply what the clock and the crawl say has happened; count each change."""
    if run.status in TERMINAL:
        return
    now = world.clock.now()
    tick = 1.0 / world.config.import_speed
    changes = 0
    crawl = run.crawl
    if crawl.error:
        run.status, run.reason = "failed", crawl.error
        world.import_state_changes += 1
        return
    if not crawl.done and now - run.created_at > NEVER_REPORTED_AFTER:
        run.status, run.reason = "failed", "The import never reported back"
        crawl.stop.set()
        world.import_state_changes += 1
        return
    started = run.created_at + tick
    if now < started:
        return
    if run.status == "pending":
        run.status = "in-progress"
        changes += 1
    for index, (url, title) in enumerate(crawl.found):
        appears = started + index * tick
        if now < appears:
            break
        if index == len(run.pages):
            page = {"id": world.new_id(), "title": title, "status": "pending"}
            if url:
                page["sourceURL"] = url
            run.pages.append(page)
            changes += 1
        if now >= appears + tick and run.pages[index]["status"] == "pending":
            run.pages[index]["status"] = "complete"
            changes += 1
    finished = crawl.done and len(run.pages) == len(crawl.found)
    if finished and all(page["status"] == "complete" for page in run.pages):
        run.status = "completed"
        run.completed_at = started + len(run.pages) * tick
        changes += 1
    world.import_state_changes += changes


def render_run(run: ImportRun) -> dict:
    rendered = {
        "id": run.id,
        "status": run.status,
        "startedAt": iso(run.created_at),
        "pages": [dict(page) for page in run.pages],
    }
    if run.completed_at is not None:
        rendered["completedAt"] = iso(run.completed_at)
    if run.reason:
        rendered["reason"] = run.reason
    return rendered


def start_import_run(call: Call) -> Reply:
    world, body = call.world, call.body
    org = world.organization(call.params["organizationId"])
    world.require_writer(org, "import content")
    target, source = body["target"], body["source"]
    space = world.space(target["space"])
    if space.org_id != org.id:
        raise ApiError(404, f"No space found with id {space.id!r} in organization {org.id!r}")
    if target.get("page"):
        content = world.content.get(space.content_key, space.created_at)
        if content.page_by_id(target["page"]) is None:
            raise ApiError(404, f"No page found with id {target['page']!r} in space {space.id!r}")
    if source["type"] == "website":
        parts = urlsplit(source["url"])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(400, "source.url must be an http:// or https:// URL")
        refusal = crawler.refused_host(source["url"])
        if refusal:
            raise ApiError(400, refusal)
    run = ImportRun(
        id=world.new_id(),
        org_id=org.id,
        space_id=space.id,
        change_request=target.get("changeRequest"),
        created_at=call.now,
        seq=world.next_seq(),
        crawl=Crawl(),
    )
    world.imports[run.id] = run
    if source["type"] == "website":
        _start_crawl(world, run, source["url"])
    else:
        run.crawl.found = [(None, key) for key in source["files"]]
        run.crawl.done = True
        if not source["files"]:
            run.crawl.error = "No file to import"
    return Reply(201, render_run(run))


def _start_crawl(world, run: ImportRun, url: str) -> None:
    def found(page_url: str, title: str) -> None:
        with world.lock:
            run.crawl.found.append((page_url, title))

    def work() -> None:
        try:
            error = crawler.crawl(
                url, on_page=found, stop=run.crawl.stop, timeout=world.config.crawl_timeout_s
            )
        except Exception as exc:  # a crawl must end the run, whatever went wrong
            error = f"Could not import {url}: {exc.__class__.__name__}"
        with world.lock:
            run.crawl.done, run.crawl.error = True, error

    threading.Thread(target=work, name=f"import-{run.id}", daemon=True).start()


def _run_in(call: Call) -> ImportRun:
    org = call.world.organization(call.params["organizationId"])
    run = call.world.imports.get(call.params["importRunId"])
    if run is None or run.org_id != org.id:
        raise ApiError(404, f"No import run found with id {call.params['importRunId']!r}")
    bring_up_to_date(call.world, run)
    return run


def get_import_run(call: Call) -> Reply:
    return Reply(200, render_run(_run_in(call)))


def cancel_import_run(call: Call) -> Reply:
    run = _run_in(call)
    call.world.require_writer(call.world.organizations[run.org_id], "cancel imports")
    if run.status in TERMINAL:
        raise ApiError(
            400, f"Import run {run.id!r} is already {run.status} and cannot be cancelled"
        )
    run.status = "cancelled"
    run.crawl.stop.set()
    call.world.import_state_changes += 1
    return Reply(201 if call.world.config.api_version == "0.146" else 200, render_run(run))


def list_import_runs(call: Call) -> Reply:
    world = call.world
    org = world.organization(call.params["organizationId"])
    space_id, change_request, site_id = (
        call.one("space"),
        call.one("changeRequest"),
        call.one("site"),
    )
    status = call.choice("status", RUN_STATUSES)
    site_spaces = None
    if site_id is not None:
        site = world.sites.get(site_id)
        site_spaces = (
            {sid for _, sid in site.site_spaces} if site and site.org_id == org.id else set()
        )
    runs = []
    for run in world.imports.values():
        if run.org_id != org.id:
            continue
        bring_up_to_date(world, run)
        wanted = {"active": ("pending", "in-progress")}.get(status, (status,))
        if (
            (space_id is None or run.space_id == space_id)
            and (change_request is None or run.change_request == change_request)
            and (site_spaces is None or run.space_id in site_spaces)
            and (status is None or run.status in wanted)
        ):
            runs.append(run)
    scope = f"imports:{org.id}"
    return Reply(200, paginate(runs, lambda r: (-r.seq,), call.query, scope, render_run))


def bring_all_up_to_date(world) -> None:
    for run in list(world.imports.values()):
        bring_up_to_date(world, run)
