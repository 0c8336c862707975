"""Only http(s) URLs from GitBook may become links."""

import pytest

from dashboard.ui.templatetags.console import safe_url


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "//evil.example",
        "/relative",
        "",
        None,
        42,
    ],
)
def test_anything_but_http_becomes_no_link(value):
    assert safe_url(value) == ""


@pytest.mark.parametrize("value", ["https://docs.example.com/a", "http://example.com"])
def test_http_and_https_urls_stay(value):
    assert safe_url(value) == value
