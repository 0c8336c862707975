"""GitBook-looking ids, timestamps and slugs."""

import random
import re
import unicodedata
from datetime import UTC, datetime

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def make_id(rng: random.Random, length: int = 20) -> str:
    return "".join(rng.choices(_ID_ALPHABET, k=length))


def iso(timestamp: float) -> str:
    """RFC 3339 in UTC with milliseconds, as GitBook writes timestamps."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def slugify(text: str, fallback: str = "page") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or fallback
