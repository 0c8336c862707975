"""Every POST of the console needs the CSRF token: a plain form sends it as a
field, htmx as the X-CSRFToken header that base.html puts on <body>."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.security import test_url_matrix as matrix
from tests.security.test_url_matrix import NEEDS, url_for

pytestmark = pytest.mark.django_db

# The URL matrix's fixture: an object of each kind for the URLs to name.
sample_arguments = matrix.sample_arguments

# Last, since they end the session the other posts use.
LOGGING_OUT = ["accounts:log_out_everywhere", "logout"]
POSTS = [
    name for name, (_, post_role) in NEEDS.items() if post_role and name not in LOGGING_OUT
] + LOGGING_OUT


@pytest.fixture
def strict_client(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    return client


def test_every_post_without_the_token_is_refused_plain_or_htmx(strict_client, sample_arguments):
    accepted = []
    for name in POSTS:
        url = url_for(name, sample_arguments)
        for headers in ({}, {"HX-Request": "true"}):
            response = strict_client.post(url, headers=headers)
            if response.status_code != 403 or b"CSRF verification failed" not in response.content:
                accepted.append(f"POST {url} {headers}: {response.status_code}")
    assert accepted == []


def test_htmx_posts_carry_the_token_from_the_page_and_are_accepted(strict_client, sample_arguments):
    page = strict_client.get(reverse("home")).text
    token = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", page).group(1)

    refused = []
    for name in POSTS:
        url = url_for(name, sample_arguments)
        response = strict_client.post(url, headers={"HX-Request": "true", "X-CSRFToken": token})
        if response.status_code == 403:
            refused.append(f"POST {url}")
    assert refused == []
