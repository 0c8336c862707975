"""Space links, and sites with their findings and redirects, on the fake."""

import pytest


def link_totals(fake, api) -> dict[str, int]:
    spaces = api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 1000}).json()["items"]
    return {
        s["id"]: api.get(f"/spaces/{s['id']}/links", params={"limit": 0}).json()["stats"]["total"]
        for s in spaces
    }


def test_links_have_statuses_targets_locations_and_stats(fake, fake_api):
    totals = link_totals(fake, fake_api)
    space_id = max((s for s in totals if totals[s] <= 1000), key=totals.get)
    page = fake_api.get(f"/spaces/{space_id}/links", params={"limit": 1000}).json()
    items = page["items"]
    assert page["stats"]["total"] == page["count"] == len(items)
    assert {link["status"] for link in items} >= {"ok", "broken"}
    assert page["stats"]["broken"]["total"] == sum(
        1 for link in items if link["status"] == "broken"
    )
    kinds = {link["targetReference"]["kind"] for link in items}
    assert {"url", "page", "space"} <= kinds
    assert all(loc["kind"] == "page" for link in items for loc in link["locationReferences"])


def test_some_spaces_have_no_links_and_a_few_have_thousands(start_fake):
    fake, _server = start_fake(spaces=300, links_per_space=30, seed=2)
    world = fake.world
    counts = [
        len(world.content.get(s.content_key, s.created_at).links)
        for s in world.spaces.values()
        if s.org_id == fake.org_id
    ]
    assert counts.count(0) > 10
    assert max(counts) >= 1000
    assert sorted(counts)[len(counts) // 2] < 100


def test_links_can_be_filtered_by_status(fake, fake_api):
    totals = link_totals(fake, fake_api)
    space_id = max((s for s in totals if totals[s] <= 1000), key=totals.get)
    broken = fake_api.get(f"/spaces/{space_id}/links", params={"status": "broken", "limit": 1000})
    body = broken.json()
    assert body["items"] and all(link["status"] == "broken" for link in body["items"])
    assert body["count"] == body["stats"]["broken"]["total"]


def test_links_are_the_same_when_read_again(fake, fake_api):
    totals = link_totals(fake, fake_api)
    space_id = max(totals, key=totals.get)
    first = fake_api.get(f"/spaces/{space_id}/links", params={"limit": 30}).json()
    fake.world.content._cache.clear()  # regenerated from the seed, not remembered
    again = fake_api.get(f"/spaces/{space_id}/links", params={"limit": 30}).json()
    assert first == again


def test_the_broken_share_knob_sets_the_share_of_broken_links(start_fake):
    fake, _server = start_fake(spaces=100, links_per_space=40, broken_share=0.5)
    links = [
        link
        for s in fake.world.spaces.values()
        for link in fake.world.content.get(s.content_key, s.created_at).links
    ]
    share = sum(1 for link in links if link.status == "broken") / len(links)
    assert 0.4 < share < 0.6


def test_links_answer_404_in_the_current_api(start_fake, api_for):
    fake, server = start_fake(api_version="current")
    api = api_for(fake, server)
    space = api.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 1}).json()["items"][0]
    response = api.get(f"/spaces/{space['id']}/links")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == 404


def test_links_of_an_unknown_space_answer_404(fake_api):
    assert fake_api.get("/spaces/nope/links").status_code == 404


def test_a_bad_link_status_filter_answers_400(fake, fake_api_lax):
    space = fake_api_lax.get(f"/orgs/{fake.org_id}/spaces", params={"limit": 1}).json()["items"][0]
    response = fake_api_lax.get(f"/spaces/{space['id']}/links", params={"status": "rotten"})
    assert response.status_code == 400


def sites(fake, api) -> list[dict]:
    return api.get(f"/orgs/{fake.org_id}/sites").json()["items"]


def all_findings(fake, api, site_id, **params) -> list[dict]:
    path = f"/orgs/{fake.org_id}/sites/{site_id}/findings"
    return api.get(path, params={"limit": 1000, **params}).json()["items"]


def test_every_organization_has_sites_made_of_its_spaces(fake, fake_api):
    for org_id in fake.organization_ids:
        found = fake_api.get(f"/orgs/{org_id}/sites").json()["items"]
        assert found and all(site["siteSpaces"] >= 1 for site in found)
    site = fake.world.sites[sites(fake, fake_api)[0]["id"]]
    space_id = site.site_spaces[0][1]
    filtered = fake_api.get(f"/orgs/{fake.org_id}/sites", params={"space": space_id}).json()
    assert site.id in [s["id"] for s in filtered["items"]]


def test_findings_can_be_filtered_by_several_types_and_a_status(fake, fake_api):
    for site in sites(fake, fake_api):
        wanted = {"broken-link", "outbound-link-error"}
        found = all_findings(fake, fake_api, site["id"], type=sorted(wanted), status="open")
        assert all(f["type"] in wanted and f["status"] == "open" for f in found)
        for finding in found:
            if finding["type"] == "outbound-link-error":
                assert finding["outboundLink"]["url"]
    everything = [
        f for site in sites(fake, fake_api) for f in all_findings(fake, fake_api, site["id"])
    ]
    assert any("brokenLinkAction" in f for f in everything)
    assert any(f["type"] == "broken-link" and "brokenLinkAction" not in f for f in everything)


def test_creating_the_suggested_redirect_resolves_the_broken_link_finding(fake, fake_api):
    site, finding = next(
        (site, f)
        for site in sites(fake, fake_api)
        for f in all_findings(fake, fake_api, site["id"], status="open", type="broken-link")
        if "brokenLinkAction" in f
    )
    path = f"/orgs/{fake.org_id}/sites/{site['id']}/redirects"
    created = fake_api.post(path, json=finding["brokenLinkAction"])
    assert created.status_code == 201
    redirect = created.json()
    assert redirect["source"] == finding["brokenLinkAction"]["source"]
    assert redirect["destination"]["kind"] == "site-page"
    listed = fake_api.get(path, params={"orderBy": "createdAt"}).json()["items"]
    assert listed[0]["id"] == redirect["id"]
    after = {f["id"]: f for f in all_findings(fake, fake_api, site["id"])}
    assert after[finding["id"]]["status"] == "done"
    still_open = all_findings(fake, fake_api, site["id"], status="open")
    assert finding["id"] not in {f["id"] for f in still_open}
    again = fake_api.post(path, json=finding["brokenLinkAction"])
    assert again.status_code == 409


def test_a_draft_redirect_does_not_resolve_the_finding(fake, fake_api):
    site, finding = next(
        (site, f)
        for site in sites(fake, fake_api)
        for f in all_findings(fake, fake_api, site["id"], status="open", type="broken-link")
        if "brokenLinkAction" in f
    )
    path = f"/orgs/{fake.org_id}/sites/{site['id']}/redirects"
    fake_api.post(path, json={**finding["brokenLinkAction"], "draft": True})
    assert fake_api.get(path, params={"draft": "true"}).json()["count"] >= 1
    after = {f["id"]: f for f in all_findings(fake, fake_api, site["id"])}
    assert after[finding["id"]]["status"] == "open"


@pytest.mark.parametrize(
    "destination",
    [
        {"kind": "path", "spaceId": "nope", "path": "intro"},
        {"kind": "site-space", "siteSpaceId": "sitesp_nope"},
    ],
)
def test_a_redirect_to_nowhere_answers_400(fake, fake_api, destination):
    site = sites(fake, fake_api)[0]
    path = f"/orgs/{fake.org_id}/sites/{site['id']}/redirects"
    response = fake_api.post(path, json={"source": "/old/page", "destination": destination})
    assert response.status_code == 400


def test_an_invalid_redirect_source_answers_400_naming_the_field(fake, fake_api_lax):
    site = sites(fake, fake_api_lax)[0]
    path = f"/orgs/{fake.org_id}/sites/{site['id']}/redirects"
    body = {"source": "no slash", "destination": {"kind": "site-space", "siteSpaceId": "x"}}
    response = fake_api_lax.post(path, json=body)
    assert response.status_code == 400
    assert "source" in response.json()["error"]["message"]


def test_findings_of_an_unknown_site_answer_404(fake, fake_api):
    assert fake_api.get(f"/orgs/{fake.org_id}/sites/site_nope/findings").status_code == 404
