"""settings.py read again under another environment, without touching the
settings this test run uses: for checking what production gets by default."""

import runpy
from pathlib import Path

SETTINGS_PATH = Path(__file__).resolve().parent.parent / "dashboard" / "settings.py"

# Variables the settings read whose value on this machine must not leak into the check.
CLEARED = [
    "DEBUG",
    "LOG_FORMAT",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECRET_KEY_FILE",
    "FIELD_ENCRYPTION_KEY_FILE",
]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-only-for-tests-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "console.example.com",
}


def load_settings(monkeypatch, tmp_path, **environment: str) -> dict:
    """The settings module's names as the given environment makes them."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_PATH))
