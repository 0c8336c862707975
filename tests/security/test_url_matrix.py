"""Every URL of the console, for every kind of visitor.

The list of URLs comes from the URL conf, so a new view cannot be left out:
it fails here until it is given the role it needs. Below that role a request
is refused (anonymous: sent to log in; logged in: 403); at or above it, it
is never refused and never a server error.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dashboard.accounts.models import Role
from dashboard.gitbook.tasks import record_worker_heartbeat
from dashboard.jobs import service
from tests.spaces.helpers import load_index, new_space

pytestmark = pytest.mark.django_db

PUBLIC = "public"
VIEWER, OPERATOR, ADMIN = Role.VIEWER, Role.OPERATOR, Role.ADMIN

# url name: (role needed to GET, role needed to POST). None: the method is not offered.
NEEDS = {
    "login": (PUBLIC, PUBLIC),
    "logout": (None, PUBLIC),
    "health": (PUBLIC, None),
    "home": (VIEWER, None),
    "spaces:list": (VIEWER, None),
    "spaces:create": (OPERATOR, OPERATOR),
    "spaces:trash": (VIEWER, ADMIN),
    "spaces:collection_options": (VIEWER, None),
    "spaces:bulk": (None, OPERATOR),
    "spaces:bulk_retry": (None, OPERATOR),
    "spaces:detail": (VIEWER, None),
    "spaces:edit": (OPERATOR, OPERATOR),
    "spaces:cell": (VIEWER, None),
    "spaces:lock": (None, OPERATOR),
    "spaces:move": (OPERATOR, OPERATOR),
    "spaces:move_siblings": (OPERATOR, None),
    "spaces:delete": (ADMIN, ADMIN),
    "spaces:restore": (None, ADMIN),
    "spaces:duplicate": (None, OPERATOR),
    "spaces:transfer": (ADMIN, ADMIN),
    "jobs:list": (VIEWER, None),
    "jobs:detail": (VIEWER, None),
    "jobs:follow": (VIEWER, None),
    "jobs:retry": (None, OPERATOR),
    "jobs:cancel": (None, OPERATOR),
    "audit:log": (VIEWER, None),
    "audit:csv": (VIEWER, None),
    "links:overview": (VIEWER, None),
    "links:start_scan": (None, OPERATOR),
    "links:scan": (VIEWER, None),
    "links:progress": (VIEWER, None),
    "links:cancel": (None, OPERATOR),
    "links:site_findings": (VIEWER, None),
    "links:site_findings_csv": (VIEWER, None),
    "links:ignore": (None, OPERATOR),
    "links:unignore": (None, OPERATOR),
    "links:fix": (None, OPERATOR),
    "links:settings": (ADMIN, ADMIN),
    "links:space_report": (VIEWER, None),
    "links:scan_space": (None, OPERATOR),
    "links:space_csv": (VIEWER, None),
    "imports:list": (VIEWER, None),
    "imports:new": (OPERATOR, OPERATOR),
    "imports:space_picker": (OPERATOR, None),
    "imports:bulk": (OPERATOR, OPERATOR),
    "imports:batch": (VIEWER, None),
    "imports:batch_stop": (None, OPERATOR),
    "imports:space": (VIEWER, None),
    "imports:detail": (VIEWER, None),
    "imports:cancel": (None, OPERATOR),
    "imports:retry": (None, OPERATOR),
    "accounts:organizations": (ADMIN, None),
    "accounts:organization_add": (ADMIN, ADMIN),
    "accounts:switch_organization": (None, VIEWER),
    "accounts:log_out_everywhere": (None, VIEWER),
    "accounts:organization_check": (ADMIN, ADMIN),
    "accounts:organization_rename": (ADMIN, ADMIN),
    "accounts:organization_remove": (ADMIN, ADMIN),
    "accounts:users": (ADMIN, None),
    "accounts:user_add": (ADMIN, ADMIN),
    "accounts:user_role": (ADMIN, ADMIN),
    "accounts:user_deactivate": (ADMIN, ADMIN),
    "accounts:user_reactivate": (ADMIN, ADMIN),
}
RANK = {None: -1, VIEWER: 0, OPERATOR: 1, ADMIN: 2}


def url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_of_the_console_has_a_line_in_the_matrix():
    names = set(url_names()) - {"bench_bare"}
    assert names - set(NEEDS) == set(), "give each new view the role it needs"
    assert set(NEEDS) - names == set()


@pytest.fixture
def sample_arguments(connection, fake_gitbook, admin, monkeypatch):
    monkeypatch.setattr(service, "send", lambda job_id: None)
    record_worker_heartbeat()  # so /health/ can answer 200
    space = new_space(fake_gitbook)
    load_index(connection)
    job = service.enqueue(
        user=admin,
        connection=connection,
        kind="spaces.bulk.lock",
        description="Lock 1 space",
        arguments={"space_ids": [space["id"]]},
    )
    return {
        "space_id": space["id"],
        "job_id": job.pk,
        "pk": None,  # per URL: a connection or a user
        "connection_pk": connection.pk,
        "user_pk": admin.pk,
    }


def url_for(name, arguments):
    pattern_args = {
        "spaces:": {"space_id": arguments["space_id"]},
        "imports:space": {"space_id": arguments["space_id"]},
        "links:space": {"space_id": arguments["space_id"]},
        "links:scan_space": {"space_id": arguments["space_id"]},
        "links:scan": {"scan_id": 999999},
        "links:progress": {"scan_id": 999999},
        "links:cancel": {"scan_id": 999999},
        "links:fix": {"row_id": 999999},
        # No such run or batch: a refusal must still come before the lookup.
        "imports:batch": {"batch_id": 999999},
        "imports:detail": {"run_id": 999999},
        "imports:cancel": {"run_id": 999999},
        "imports:retry": {"run_id": 999999},
        "jobs:": {"job_id": arguments["job_id"]},
        "spaces:bulk_retry": {"job_id": arguments["job_id"]},
        "accounts:organization_": {"pk": arguments["connection_pk"]},
        "accounts:user_": {"pk": arguments["user_pk"]},
    }
    for prefix in sorted(pattern_args, key=len, reverse=True):
        if name.startswith(prefix):
            try:
                return reverse(name, kwargs=pattern_args[prefix])
            except Exception:
                break
    return reverse(name)


PERSONAS = ["anonymous", VIEWER, OPERATOR, ADMIN]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_url_refuses_below_its_role_and_serves_at_it(
    client, persona, sample_arguments, viewer, operator, admin
):
    users = {VIEWER: viewer, OPERATOR: operator, ADMIN: admin}
    if persona != "anonymous":
        client.force_login(users[persona])
    rank = RANK.get(persona, -1)
    problems = []
    for name, (get_role, post_role) in NEEDS.items():
        url = url_for(name, sample_arguments)
        for method, needed in (("get", get_role), ("post", post_role)):
            if needed is None:
                continue
            response = getattr(client, method)(url)
            status = response.status_code
            if needed == PUBLIC or rank >= RANK[needed]:
                if status in (401, 403) or status >= 500:
                    problems.append(f"{method.upper()} {url} as {persona}: {status}")
            elif persona == "anonymous":
                if not (status == 302 and "/login/" in response.url):
                    problems.append(
                        f"{method.upper()} {url} anonymous: {status}, not sent to log in"
                    )
            elif status != 403:
                problems.append(f"{method.upper()} {url} as {persona}: {status}, expected 403")
            if name in ("logout", "accounts:log_out_everywhere") and persona != "anonymous":
                users[persona].refresh_from_db()
                client.force_login(users[persona])
    assert problems == []
