"""The README's security matrix names tests that exist, so it cannot go stale."""

import importlib
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def security_rows() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Security\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return rows[2:]  # below the header and its separator


def test_every_line_of_the_matrix_names_a_test():
    rows = security_rows()

    assert len(rows) >= 10
    assert [row for row in rows if not NODE_ID.search(row)] == []


def test_every_test_the_matrix_names_exists():
    missing = []
    for row in security_rows():
        for path, name in NODE_ID.findall(row):
            module_name = path.removesuffix(".py").replace("/", ".")
            if not (README.parent / path).is_file():
                missing.append(f"{path} (no such file)")
                continue
            module = importlib.import_module(module_name)
            if not (name.startswith("test_") and callable(getattr(module, name, None))):
                missing.append(f"{path}::{name}")
    assert missing == []
