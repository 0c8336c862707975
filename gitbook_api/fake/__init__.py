"""A faithful fake of the GitBook REST API, for tests, benchmarks and local runs.

    fake = FakeGitBook(FakeConfig(seed=1, spaces=300))
    server = fake.serve(port=0)   # server.url is the API base URL
    ...
    server.stop()

``python -m gitbook_api.fake --help`` runs it on its own.
"""

from .app import FakeGitBook
from .config import FakeConfig
from .server import FakeServer

__all__ = ["FakeConfig", "FakeGitBook", "FakeServer"]
