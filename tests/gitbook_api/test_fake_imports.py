"""Import runs on the fake: a real crawl of a tiny local site, progress on the fake clock."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from openapi_schema_validator import OAS30Validator

from gitbook_api.fake.validation import load_spec

TINY_SITE = {
    "/": (
        "Home",
        '<a href="/guide">Guide</a> <a href="api">API</a> <a href="/about#team">Us</a>'
        ' <a href="https://example.com/elsewhere">out</a> <a href="mailto:a@b.c">mail</a>'
        ' <a href="/manual.pdf">PDF</a>',
    ),
    "/guide": ("Guide", '<a href="/guide/setup">Setup</a> <a href="/">Home</a>'),
    "/guide/setup": ("Setup &amp; install", '<a href="/guide/setup/deep">Deeper</a>'),
    "/guide/setup/deep": ("Too deep", ""),
    "/api": ("API reference", ""),
    "/about": ("About us", ""),
}
EXPECTED_PAGES = {
    "/": "Home",
    "/guide": "Guide",
    "/api": "API reference",
    "/about": "About us",
    "/guide/setup": "Setup & install",
}


class TinySite(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/manual.pdf":
            body, content_type = b"%PDF-1.4", "application/pdf"
        elif self.path in TINY_SITE:
            title, links = TINY_SITE[self.path]
            body = f"<html><head><title>{title}</title></head><body>{links}</body></html>".encode()
            content_type = "text/html; charset=utf-8"
        else:
            body, content_type = b"not found", "text/plain"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def tiny_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), TinySite)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_site():
    """Accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"


def space_of(fake) -> str:
    return next(s.id for s in fake.world.spaces.values() if s.org_id == fake.org_id)


def start_import(api, fake, url, **target):
    body = {
        "source": {"type": "website", "url": url},
        "target": {"space": space_of(fake), **target},
    }
    return api.post(f"/org/{fake.org_id}/imports", json={**body, "enhance": True})


def read_run(api, fake, run_id) -> dict:
    return api.get(f"/org/{fake.org_id}/imports/{run_id}").json()


def test_an_import_crawls_the_site_and_completes_page_by_page(fake, fake_api, tiny_site):
    fake.reset_stats()
    fake.clock.freeze()
    started = start_import(fake_api, fake, tiny_site + "/")
    assert started.status_code == 201
    run = started.json()
    assert (run["status"], run["pages"]) == ("pending", [])
    assert fake.wait_for_imports()
    assert read_run(fake_api, fake, run["id"])["status"] == "pending"

    fake.clock.advance(seconds=0.5)  # one tick at the default 2 pages per second
    progressing = read_run(fake_api, fake, run["id"])
    assert progressing["status"] == "in-progress"
    assert [page["status"] for page in progressing["pages"]] == ["pending"]

    fake.clock.advance(seconds=1.0)
    midway = read_run(fake_api, fake, run["id"])
    assert [page["status"] for page in midway["pages"]] == ["complete", "complete", "pending"]

    fake.clock.advance(seconds=60)
    done = read_run(fake_api, fake, run["id"])
    assert done["status"] == "completed" and "completedAt" in done
    found = {page["sourceURL"].removeprefix(tiny_site): page["title"] for page in done["pages"]}
    assert found == EXPECTED_PAGES
    assert all(page["status"] == "complete" for page in done["pages"])
    # in-progress, then each of 5 pages appears and completes, then completed
    assert fake.stats()["import_state_changes"] == 1 + 5 + 5 + 1


def test_an_import_of_an_unreachable_site_fails_with_a_reason(fake, fake_api, closed_port):
    run = start_import(fake_api, fake, f"http://127.0.0.1:{closed_port}/docs").json()
    assert fake.wait_for_imports()
    failed = read_run(fake_api, fake, run["id"])
    assert failed["status"] == "failed"
    assert "could not be reached" in failed["reason"]


def test_an_import_whose_crawl_never_reports_back_shows_as_failed(start_fake, api_for, silent_site):
    fake, server = start_fake(crawl_timeout_s=5)
    api = api_for(fake, server)
    run = start_import(api, fake, silent_site).json()
    fake.clock.advance(seconds=16 * 60)
    failed = read_run(api, fake, run["id"])
    assert failed["status"] == "failed"
    assert "never reported back" in failed["reason"]


def test_cancelling_a_running_import_answers_201_and_stops_it(fake, fake_api, tiny_site):
    run = start_import(fake_api, fake, tiny_site + "/").json()
    cancelled = fake_api.post(f"/org/{fake.org_id}/imports/{run['id']}/cancel")
    assert cancelled.status_code == 201
    assert cancelled.json()["status"] == "cancelled"
    fake.wait_for_imports()
    fake.clock.advance(seconds=60)
    assert read_run(fake_api, fake, run["id"])["status"] == "cancelled"
    again = fake_api.post(f"/org/{fake.org_id}/imports/{run['id']}/cancel")
    assert again.status_code == 400


def test_cancelling_in_the_current_api_answers_200(start_fake, api_for, tiny_site):
    fake, server = start_fake(api_version="current")
    api = api_for(fake, server, lax=True)
    run = start_import(api, fake, tiny_site + "/").json()
    # The document (0.146.0) lists 201; today's API answers 200 with the same run.
    plain = api.__class__(server.url, fake.token)
    cancelled = plain.post(f"/org/{fake.org_id}/imports/{run['id']}/cancel")
    assert cancelled.status_code == 200
    spec = load_spec()
    schema = {"$ref": "#/components/schemas/ContentImportRun", "components": spec["components"]}
    OAS30Validator(schema).validate(cancelled.json())
    assert cancelled.json()["status"] == "cancelled"


def test_cancelling_a_finished_import_answers_400(fake, fake_api, closed_port):
    run = start_import(fake_api, fake, f"http://127.0.0.1:{closed_port}/").json()
    fake.wait_for_imports()
    response = fake_api.post(f"/org/{fake.org_id}/imports/{run['id']}/cancel")
    assert response.status_code == 400
    assert "failed" in response.json()["error"]["message"]


def test_import_runs_are_listed_newest_first_and_filtered(fake, fake_api, tiny_site, closed_port):
    failing = start_import(fake_api, fake, f"http://127.0.0.1:{closed_port}/").json()
    running = start_import(fake_api, fake, tiny_site + "/").json()
    fake.wait_for_imports()
    path = f"/org/{fake.org_id}/imports"
    listed = fake_api.get(path).json()["items"]
    assert [run["id"] for run in listed] == [running["id"], failing["id"]]
    active = fake_api.get(path, params={"status": "active"}).json()["items"]
    assert [run["id"] for run in active] == [running["id"]]
    failed = fake_api.get(path, params={"status": "failed"}).json()["items"]
    assert [run["id"] for run in failed] == [failing["id"]]
    other_space = fake_api.get(path, params={"space": "elsewhere"}).json()
    assert other_space["count"] == 0


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ({"type": "website"}, "source.url"),
        ({"type": "website", "url": "ftp://files.example.com/docs"}, "http"),
        ({"type": "website", "url": "javascript:alert(1)"}, "http"),
        ({"type": "website", "url": "http://10.0.0.8/wiki"}, "private"),
        ({"type": "website", "url": "http://169.254.169.254/latest"}, "private"),
    ],
)
def test_an_import_from_a_bad_source_answers_400(fake, fake_api_lax, source, words):
    body = {"source": source, "target": {"space": space_of(fake)}}
    response = fake_api_lax.post(f"/org/{fake.org_id}/imports", json=body)
    assert response.status_code == 400
    assert words in response.json()["error"]["message"]


def test_an_import_into_an_unknown_space_or_page_answers_404(fake, fake_api, tiny_site):
    body = {"source": {"type": "website", "url": tiny_site}, "target": {"space": "nope"}}
    assert fake_api.post(f"/org/{fake.org_id}/imports", json=body).status_code == 404
    assert start_import(fake_api, fake, tiny_site, page="nope").status_code == 404
    assert fake_api.get(f"/org/{fake.org_id}/imports/nope").status_code == 404


def test_the_import_speed_knob_sets_pages_per_second(start_fake, api_for, tiny_site):
    fake, server = start_fake(import_speed=10)
    fake.clock.freeze()
    api = api_for(fake, server)
    run = start_import(api, fake, tiny_site + "/").json()
    fake.wait_for_imports()
    fake.clock.advance(seconds=0.1 * 7)  # pending for one tick, then 5 pages, one tick each
    assert read_run(api, fake, run["id"])["status"] == "completed"
