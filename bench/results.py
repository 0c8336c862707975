"""Figures, the table that shows them, and bench/results.json."""

import json
from dataclasses import dataclass
from pathlib import Path

RESULTS_FILE = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    goal: float
    note: str = ""

    @property
    def holds(self) -> bool:
        return self.value <= self.goal

    @property
    def shown_value(self) -> str:
        # Counts stay whole numbers; ratios get two decimals.
        return str(self.value) if isinstance(self.value, int) else f"{self.value:.2f}"


def table(figures: list[Figure], failed: dict[str, str]) -> str:
    rows = [("figure", "value", "goal", "holds")]
    rows += [(f.name, f.shown_value, f"{f.goal:g}", "yes" if f.holds else "NO") for f in figures]
    rows += [(name, "error", "", "") for name in failed]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def notes(figures: list[Figure], failed: dict[str, str]) -> str:
    lines = [f"{f.name}: {f.note}" for f in figures if f.note]
    lines += [f"{name}: {error}" for name, error in failed.items()]
    return "\n".join(lines)


def write_results(figures: list[Figure], path: Path = RESULTS_FILE) -> None:
    """Merge these figures into the file, keeping figures this run did not measure."""
    try:
        results = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        results = {}
    for figure in figures:
        results[figure.name] = {
            "value": round(figure.value, 3),
            "goal": figure.goal,
            "holds": figure.holds,
        }
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(results, indent=2) + "\n")
    temporary.replace(path)
