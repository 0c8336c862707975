"""The fake answers every operation of the document, in the document's shapes."""

import json

import pytest
import requests

from gitbook_api.fake.routes import ROUTES
from tests.openapi_check import SPEC_PATH, check_error_body


def document_operations() -> set[tuple[str, str, str]]:
    spec = json.loads(SPEC_PATH.read_text())
    return {
        (method.upper(), path, operation["operationId"])
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }


def test_every_operation_of_the_document_has_a_route_at_the_same_path():
    routed = {(route.method, route.template, route.operation_id) for route in ROUTES}
    assert routed == document_operations()
    assert len(routed) == 24


def some_ids(api, fake) -> dict:
    org = fake.org_id
    space = api.get(f"/orgs/{org}/spaces", params={"limit": 1}).json()["items"][0]["id"]
    collection = api.get(f"/orgs/{org}/collections").json()["items"][0]["id"]
    site = api.get(f"/orgs/{org}/sites").json()["items"][0]["id"]
    run = api.post(
        f"/org/{org}/imports",
        json={"source": {"type": "file", "files": ["handbook.docx"]}, "target": {"space": space}},
    ).json()["id"]
    return {"org": org, "space": space, "collection": collection, "site": site, "run": run}


def test_a_tour_of_every_read_operation_validates_against_the_document(fake, fake_api):
    ids = some_ids(fake_api, fake)
    org, space, site = ids["org"], ids["space"], ids["site"]
    paths = [
        "/user",
        "/orgs",
        f"/orgs/{org}",
        f"/orgs/{org}/spaces",
        f"/orgs/{org}/collections",
        f"/collections/{ids['collection']}",
        f"/collections/{ids['collection']}/spaces",
        f"/spaces/{space}",
        f"/spaces/{space}/links",
        f"/org/{org}/imports",
        f"/org/{org}/imports/{ids['run']}",
        f"/orgs/{org}/sites",
        f"/orgs/{org}/sites/{site}/findings",
        f"/orgs/{org}/sites/{site}/redirects",
    ]
    for path in paths:
        assert fake_api.get(path).status_code == 200, path
    operations = set(fake.stats()["requests"])
    reads = {op for method, _, op in document_operations() if method == "GET"}
    assert reads <= operations


OPERATIONS_WITH_SAMPLE_PATHS = [
    ("GET", "/user"),
    ("GET", "/orgs"),
    ("GET", "/orgs/{org}"),
    ("GET", "/orgs/{org}/spaces"),
    ("POST", "/orgs/{org}/spaces"),
    ("GET", "/orgs/{org}/collections"),
    ("GET", "/collections/{collection}"),
    ("GET", "/collections/{collection}/spaces"),
    ("GET", "/spaces/{space}"),
    ("PATCH", "/spaces/{space}"),
    ("DELETE", "/spaces/{space}"),
    ("POST", "/spaces/{space}/duplicate"),
    ("POST", "/spaces/{space}/restore"),
    ("POST", "/spaces/{space}/move"),
    ("POST", "/spaces/{space}/transfer"),
    ("GET", "/spaces/{space}/links"),
    ("POST", "/org/{org}/imports"),
    ("GET", "/org/{org}/imports"),
    ("GET", "/org/{org}/imports/{run}"),
    ("POST", "/org/{org}/imports/{run}/cancel"),
    ("GET", "/orgs/{org}/sites"),
    ("GET", "/orgs/{org}/sites/{site}/findings"),
    ("GET", "/orgs/{org}/sites/{site}/redirects"),
    ("POST", "/orgs/{org}/sites/{site}/redirects"),
]


@pytest.mark.parametrize("token", [None, "gb_wrong_token"], ids=["missing", "wrong"])
def test_every_operation_answers_401_without_the_right_token(fake, fake_api, fake_api_lax, token):
    ids = some_ids(fake_api, fake)
    if token:
        fake_api_lax.headers["Authorization"] = f"Bearer {token}"
    else:
        del fake_api_lax.headers["Authorization"]
    for method, template in OPERATIONS_WITH_SAMPLE_PATHS:
        response = fake_api_lax.request(method, template.format(**ids), json={"title": "x"})
        assert response.status_code == 401, (method, template)
        assert response.headers["Content-Type"] == "application/json"
    assert fake_api.get(f"/spaces/{ids['space']}").status_code == 200  # nothing was changed


def test_an_unknown_path_answers_404_in_the_error_shape(fake_server):
    response = requests.get(f"{fake_server.url}/nothing/here", timeout=5)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    check_error_body(response)
    assert requests.get(f"{fake_server.base_url}/elsewhere", timeout=5).status_code == 404


def test_a_known_path_with_the_wrong_method_answers_405(fake, fake_server):
    response = requests.put(
        f"{fake_server.url}/orgs/{fake.org_id}/spaces",
        headers={"Authorization": f"Bearer {fake.token}"},
        timeout=5,
    )
    assert response.status_code == 405
    check_error_body(response)


@pytest.mark.parametrize(
    "path",
    ["/spaces/nope", "/collections/nope", "/orgs/nope", "/orgs/nope/spaces", "/org/nope/imports"],
)
def test_unknown_ids_answer_404(fake_api, path):
    response = fake_api.get(path)
    assert response.status_code == 404
    assert "nope" in response.json()["error"]["message"]


def test_a_malformed_json_body_answers_400(fake, fake_api_lax):
    response = fake_api_lax.post(
        f"/orgs/{fake.org_id}/spaces",
        data=b'{"title": "half',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


@pytest.mark.parametrize("limit", ["-1", "1001", "many"])
def test_a_limit_outside_0_to_1000_answers_400(fake, fake_api_lax, limit):
    response = fake_api_lax.get(f"/orgs/{fake.org_id}/spaces", params={"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["message"]


def test_a_cursor_that_was_not_handed_out_answers_400(fake, fake_api):
    response = fake_api.get(f"/orgs/{fake.org_id}/spaces", params={"page": "not-a-cursor"})
    assert response.status_code == 400
    other_list = fake_api.get("/orgs", params={"limit": 1}).json()["next"]["page"]
    response = fake_api.get(f"/orgs/{fake.org_id}/spaces", params={"page": other_list})
    assert response.status_code == 400


def test_a_hostile_world_still_answers_in_the_documents_shapes(start_fake, api_for):
    fake, server = start_fake(hostile=True, spaces=40, seed=3, links_per_space=8)
    api = api_for(fake, server)
    spaces = api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 1000}).json()["items"]
    payloads = {
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "javascript:alert(1)",
    }
    seen = " ".join(space["title"] for space in spaces)
    for space in spaces[:20]:
        seen += api.get(f"/spaces/{space['id']}/links", params={"limit": 40}).text
    for site in api.get(f"/orgs/{fake.org_id}/sites").json()["items"]:
        seen += api.get(f"/orgs/{fake.org_id}/sites/{site['id']}/findings").text
    assert any(payload in seen or json.dumps(payload)[1:-1] in seen for payload in payloads)
