"""A row of the spaces list is built in Python: everything from GitBook is escaped."""

from dashboard.spaces.rows import row_html, title_cell

HOSTILE = "<img src=x onerror=alert(1)>\"'&"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;"


def hostile_row() -> dict:
    return {
        "id": 'space"><script>alert(1)</script>',
        "title": HOSTILE,
        "emoji": HOSTILE,
        "visibility": HOSTILE,
        "breadcrumb": [{"title": HOSTILE}, {"title": HOSTILE}],
        "editMode": HOSTILE,
        "updatedAt": "2024-05-01T12:34:00Z<script>",
        "changeRequestsOpen": HOSTILE,
        "comments": HOSTILE,
    }


def test_every_value_from_gitbook_is_escaped_for_every_role():
    for can_operate in (True, False):
        html = row_html(hostile_row(), can_operate, "/spaces/") + title_cell(
            hostile_row(), can_operate, "/spaces/"
        )

        assert "<img" not in html
        assert "<script" not in html
        assert ESCAPED in html
        assert 'id="space-space&quot;&gt;&lt;script&gt;' in html


def test_an_api_time_is_shown_to_the_minute_and_a_strange_one_not_at_all():
    row = {"id": "s1", "updatedAt": "2024-05-01T12:34:56.789Z"}
    odd = {"id": "s2", "updatedAt": "yesterday"}

    assert '<time datetime="2024-05-01T12:34:56.789Z">2024-05-01 12:34</time>' in row_html(
        row, False, "/spaces/"
    )
    assert "<time" not in row_html(odd, False, "/spaces/")
