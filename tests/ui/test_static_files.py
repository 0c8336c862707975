"""In production static files are served under hashed names from the manifest
that collectstatic writes; each process works out a name's URL once."""

import pytest
from django.core.management import call_command

from dashboard.ui.storage import StaticFilesStorage


@pytest.fixture
def collected(tmp_path, settings):
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "dashboard.ui.storage.StaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_a_static_url_is_the_hashed_file_collectstatic_wrote(collected, settings):
    storage = StaticFilesStorage(location=str(collected))

    url = storage.url("console/console.css")

    hashed_name = url.removeprefix(settings.STATIC_URL)
    assert hashed_name != "console/console.css"
    assert hashed_name.startswith("console/console.") and hashed_name.endswith(".css")
    assert (collected / hashed_name).is_file()
    assert storage.url("console/console.css") == url


def test_a_file_missing_from_the_manifest_is_an_error_every_time(collected):
    storage = StaticFilesStorage(location=str(collected))

    for _ in range(2):
        with pytest.raises(ValueError) as missing:
            storage.url("console/not-there.css")
        assert "Missing staticfiles manifest entry for 'console/not-there.css'" in str(
            missing.value
        )
