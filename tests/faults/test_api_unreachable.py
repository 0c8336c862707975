"""GitBook unreachable (nothing listens where the API was): pages say so and
keep working with what the console has cached."""

import pytest
from django.urls import reverse

from tests.conftest import fake_api, wait_until
from tests.links.helpers import connect, running_fake
from tests.spaces.helpers import load_index

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_gitbook_unreachable_pages_say_so_and_show_what_was_cached(
    as_viewer, settings, celery_worker_thread
):
    with running_fake(seed=41, spaces=15) as fake:
        connection = connect(fake)
        load_index(connection)
        organization = fake_api(fake, f"/orgs/{fake.org_id}")
        space = fake_api(fake, f"/orgs/{fake.org_id}/spaces", limit=1)["items"][0]
        detail_url = reverse("spaces:detail", args=[space["id"]])
        for url in (reverse("home"), reverse("spaces:list"), detail_url):
            assert as_viewer.get(url).status_code == 200
    # The fake is stopped: connections to the API are refused from now on, and
    # whatever was cached is due for a refresh, which the worker tries.
    settings.API_CACHE_FRESH_SECONDS = 0

    overview = wait_until(
        lambda: as_viewer.get(reverse("home")),
        lambda page: 'data-testid="gitbook-unreachable"' in page.text,
    )
    listing = as_viewer.get(reverse("spaces:list"))
    detail = as_viewer.get(detail_url)

    for page in (overview, listing, detail):
        assert page.status_code == 200
        assert "GitBook cannot be reached" in page.text
    assert organization["title"] in overview.text
    assert f'id="space-{space["id"]}"' in listing.text
    assert space["title"] in detail.text
