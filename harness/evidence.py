"""Evidence of a scenario: what happened, in order, so a failure explains itself."""

from __future__ import annotations

import re
from collections.abc import Iterator

_SECRET = re.compile(r"(token=|password[\"':= ]+|Bearer )[^\s&\"',]+", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """Replace link tokens, passwords and bearer sessions with a mask."""
    return _SECRET.sub(lambda m: m.group(1) + "****", text)


class Evidence:
    """An ordered trace of steps, exchanges, emails, SEVIS events and clock moves."""

    def __init__(self, limit: int = 500) -> None:
        self._lines: list[str] = []
        self._limit = limit

    def note(self, line: str) -> None:
        if len(self._lines) < self._limit:
            self._lines.append(mask_secrets(line))

    def step(self, keyword: str, text: str) -> None:
        self.note(f"step: {keyword} {text}")

    def lines(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)
