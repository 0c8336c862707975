"""Naming broken targets: the same target has the same key in every scan."""

import pytest

from dashboard.links.targets import link_target, safe_link
from tests.links.factories import (
    broken_link,
    broken_link_finding,
    file_target,
    finding_rows,
    outbound_finding,
    page_target,
    rows_of,
    url_target,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/docs",
        "http://insecure.example/downloads?x=1#part",
        "HTTPS://EXAMPLE.COM/",
    ],
)
def test_http_and_https_urls_may_be_links(url):
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        'https://example.com/"><img src=x onerror=alert(1)>',
        "https://exa mple.com/",
        "https://",
        "http//missing-colon.example",
        "//example.com/no-scheme",
        "mailto:docs@example.com",
        "ftp://files.example.com/",
        "",
        None,
        42,
    ],
)
def test_anything_else_is_never_a_link(url):
    assert safe_link(url) == ""


def test_a_link_on_three_pages_is_one_target_with_three_occurrences():
    link = broken_link(
        "s1", page_target("s1", "gone", "Old page"), pages=[("a", "A"), ("b", "B"), ("c", "C")]
    )

    rows = rows_of("s1", link)

    assert len(rows) == 3
    assert len({row["target_key"] for row in rows}) == 1
    assert [row["page_title"] for row in rows] == ["A", "B", "C"]


def test_two_links_to_one_missing_anchor_are_one_target_and_other_anchors_are_others():
    first = rows_of("s1", broken_link("s1", page_target("s1", "p1", "Setup", anchor="install")))
    again = rows_of("s1", broken_link("s1", page_target("s1", "p1", "Setup", anchor="install")))
    other = rows_of("s1", broken_link("s1", page_target("s1", "p1", "Setup", anchor="upgrade")))

    assert first[0]["target_key"] == again[0]["target_key"] != other[0]["target_key"]
    assert first[0]["kind"] == "anchor"
    assert first[0]["label"] == "Setup #install"


def test_the_same_url_broken_in_two_spaces_is_a_target_of_each_space():
    in_one = rows_of("s1", broken_link("s1", url_target("https://gone.example/")))
    in_other = rows_of("s2", broken_link("s2", url_target("https://gone.example/")))

    assert in_one[0]["target_key"] != in_other[0]["target_key"]


def test_a_target_that_changes_keeps_its_key_and_changes_its_fingerprint():
    before = link_target("s1", broken_link("s1", page_target("s1", "p9", "Pricing")).target)
    after = link_target("s1", broken_link("s1", page_target("s1", "p9", "Plans")).target)

    assert before.key == after.key
    assert before.fingerprint != after.fingerprint


@pytest.mark.parametrize(
    ("target", "kind", "label"),
    [
        (url_target("https://gone.example/a"), "url", "https://gone.example/a"),
        (page_target("s1", "p1", "Billing"), "page", "Billing"),
        (page_target("s1", "p1", "Billing", anchor="vat"), "anchor", "Billing #vat"),
        (file_target("s1", "f1", "diagram.png"), "file", "diagram.png"),
        (
            {"kind": "space", "space": {"id": "s7", "title": "Old handbook"}},
            "space",
            "Old handbook",
        ),
    ],
)
def test_each_kind_of_target_is_named_for_people(target, kind, label):
    found = link_target("s1", broken_link("s1", target).target)

    assert (found.kind, found.label) == (kind, label)


def test_a_broken_link_finding_belongs_to_the_space_its_redirect_points_into():
    with_action = broken_link_finding("f1", "/guides/old-page", space_id="s1", pages=4)
    without = broken_link_finding("f2", "/guides/gone")

    rows = finding_rows("site1", with_action, without, spaces={"s1"})

    assert [row["space_id"] for row in rows] == ["s1", ""]
    assert rows[0]["weight"] == 4
    assert rows[0]["fix"] == {
        "site_id": "site1",
        "source": "/guides/old-page",
        "destination": {"kind": "path", "spaceId": "s1", "path": "welcome"},
        "capture_wildcard": False,
    }
    assert rows[0]["target_url"] == "https://docs.example.com/guides/old-page"
    assert rows[1]["fix"] is None


def test_a_redirect_into_a_space_of_another_organization_names_no_space():
    finding = broken_link_finding("f1", "/guides/old-page", space_id="elsewhere")

    rows = finding_rows("site1", finding, spaces={"s1"})

    assert rows[0]["space_id"] == ""


def test_an_outbound_link_error_is_a_url_target_and_other_findings_are_not_links():
    from gitbook_api.models import SiteFinding

    outbound = outbound_finding("f1", "javascript:alert(1)")
    gap = SiteFinding.from_api({"id": "f2", "type": "content-gap", "title": "Refunds?"})

    rows = finding_rows("site1", outbound, gap)

    assert len(rows) == 1
    assert (rows[0]["kind"], rows[0]["label"], rows[0]["detail"]) == (
        "url",
        "javascript:alert(1)",
        "dns",
    )
