"""The bulk import form: pasted lines, uploaded CSV, and what it refuses as a whole."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboard.imports.models import ImportBatch, ImportRun
from dashboard.imports.sources import read_site_list
from dashboard.jobs.models import Job
from dashboard.spaces import index
from tests.spaces.helpers import load_index

pytestmark = pytest.mark.django_db

COLLECTIONS = [("c1", "Guides"), ("c2", "Guides / API"), ("c3", "Archive")]


def test_a_list_takes_one_url_a_line_or_csv_rows_and_skips_blanks_and_comments():
    text = "\n".join(
        [
            "url,title,collection",
            "https://docs.example.com/guide/",
            "",
            "# a comment",
            'https://api.example.com/,"API, v2",api',
            "https://old.example.com/,,Archive",
            "https://x.example.com/,A title that is far too long to be the title of a space",
        ]
    )

    sites = read_site_list(
        text, allow_loopback=False, collections=COLLECTIONS, default_collection="c1"
    )

    assert [(s.url, s.title, s.collection, s.refusal) for s in sites[:3]] == [
        ("https://docs.example.com/guide/", "docs.example.com/guide", "c1", ""),
        ("https://api.example.com/", "API, v2", "c2", ""),
        ("https://old.example.com/", "old.example.com", "c3", ""),
    ]
    assert "longer than 50 characters" in sites[3].refusal


def test_uploading_a_csv_starts_one_batch_with_a_run_for_each_row(
    as_operator, fast_connection, fake
):
    load_index(fast_connection)
    collection_id, collection = next(iter(index.load_index(fast_connection.pk).collections.items()))
    csv_file = SimpleUploadedFile(
        "sites.csv",
        (
            "url,title,collection\n"
            f"https://one.example.com/,One,{collection['title']}\n"
            "https://two.example.com/,Two,\n"
        ).encode(),
        content_type="text/csv",
    )

    response = as_operator.post(reverse("imports:bulk"), {"file": csv_file, "enhance": "on"})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:batch", args=[batch.pk])
    assert batch.total == 2
    assert batch.job.kind == "imports.batch"
    runs = list(batch.runs.order_by("pk"))
    assert [(r.space_title, r.new_space_collection) for r in runs] == [
        ("One", collection_id),
        ("Two", ""),
    ]
    assert all(run.status == ImportRun.Status.STARTING and run.new_space for run in runs)
    page = as_operator.get(response.url).text
    assert "0 of 2" in page and 'hx-trigger="every 1s"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"urls": "  \n \n"}, "Paste the websites to import, or choose a file."),
        ({"urls": "# only a comment"}, "The list has no website in it."),
        (
            {"urls": "\n".join(f"https://s{n}.example.com/" for n in range(501))},
            "At most 500 websites at a time; this list has 501.",
        ),
        (
            {"file": SimpleUploadedFile("list.txt", b"\xff\xfe\x00bad")},
            "The file is not UTF-8 text.",
        ),
    ],
)
def test_a_list_that_cannot_be_read_is_refused_as_a_whole(as_operator, data, message):
    response = as_operator.post(reverse("imports:bulk"), data)

    assert response.status_code == 400
    assert message in response.text
    assert not Job.objects.exists()
