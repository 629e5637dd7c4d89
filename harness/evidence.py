"""Evidence of a scenario: what happened, in order, so a failure explains itself; and the
masking of secrets and neutralising of control characters that every output goes through.

Secrets are masked by value: each password the harness chose or typed, each token and
session it saw, is remembered (``remember_secret``) and masked wherever it appears; link
tokens and Bearer values are masked by their shape. Ordinary words are never masked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

MASK = "****"
#: Shorter values are not remembered: masking them would hide ordinary words.
MIN_SECRET_LENGTH = 6

_LINK_TOKEN = re.compile(r"(?i)([?&;](?:token|session|code)=)[^&#\s\"'<>]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{6,}")
# CSI and OSC escape sequences, then any other C0/C1 control character but tab and newline
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class KnownSecrets:
    """The secret values one run has seen (a run plays each scenario in one process).

    Over HTTP every login brings a new session, so secrets arrive all run long, and every
    exchange is masked: one pattern over every value, rebuilt at each new one, made long
    runs quadratic. Word-shaped values (letters, digits, ``-`` and ``_``: sessions, tokens)
    are looked up by the words of the text; the others (passwords with symbols) go in
    batches of ``BATCH`` patterns, so a new value rebuilds only the newest batch."""

    BATCH = 64

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """A new run: the values of the last one are no longer looked for."""
        self._words: set[str] = set()
        self._sealed: list[re.Pattern[str]] = []  # full batches of the others, never rebuilt
        self._open: list[str] = []  # the newest batch
        self._open_pattern: re.Pattern[str] | None = None

    def remember(self, values: Iterable[str | None]) -> None:
        for value in {v for v in values if v and len(v) >= MIN_SECRET_LENGTH}:
            if _WORD.fullmatch(value):
                self._words.add(value)
            elif value not in self._open and not any(p.fullmatch(value) for p in self._sealed):
                self._open.append(value)
                self._open_pattern = None
                if len(self._open) == self.BATCH:
                    self._sealed.append(_any_of(self._open))
                    self._open = []

    def mask(self, text: str) -> str:
        if not text:
            return text
        if self._open and self._open_pattern is None:
            self._open_pattern = _any_of(self._open)
        for pattern in [*self._sealed, self._open_pattern] if self._open else self._sealed:
            assert pattern is not None
            text = pattern.sub(MASK, text)
        if self._words:
            text = _WORD.sub(lambda m: MASK if m.group(0) in self._words else m.group(0), text)
        return text

    def __len__(self) -> int:
        return len(self._words) + len(self._open) + self.BATCH * len(self._sealed)


#: A word-shaped secret: masked where it stands as a whole word of the text.
_WORD = re.compile(rf"[A-Za-z0-9_-]{{{MIN_SECRET_LENGTH},}}")


def _any_of(values: list[str]) -> re.Pattern[str]:
    """One pattern matching any of ``values``, the longest first (a secret that contains
    another is masked whole)."""
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))


KNOWN_SECRETS = KnownSecrets()


def remember_secret(*values: str | None) -> None:
    """A password, token or session the harness chose, typed or saw: masked from now on."""
    KNOWN_SECRETS.remember(values)


def forget_secrets() -> None:
    """A run starts: each run masks what it saw (runs in one process, as tests make them,
    would otherwise look for every earlier run's values too)."""
    KNOWN_SECRETS.forget()


def mask_secrets(text: str) -> str:
    """Every known secret value, link tokens and Bearer sessions replaced with a mask."""
    text = KNOWN_SECRETS.mask(text)
    text = _LINK_TOKEN.sub(lambda m: m.group(1) + MASK, text)
    return _BEARER.sub(lambda m: m.group(1) + MASK, text)


def neutralise(text: str) -> str:
    """Terminal escape sequences and control characters (a portal's words) made visible
    instead of obeyed: ``\\x1b[31m`` cannot recolour a CI log or rewrite a line."""
    text = _ESCAPE.sub(lambda m: repr(m.group(0))[1:-1], text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def for_terminal(text: str) -> str:
    """Text from a portal, fit for a console or Markdown: secrets masked, controls shown."""
    return neutralise(mask_secrets(text))


class Evidence:
    """An ordered trace of steps, exchanges, emails, SEVIS events and clock moves.

    A line may be noted as the function that writes it (``note_later``): it is written and
    masked when the evidence is read, which most worlds (each fuzz example's) never are."""

    def __init__(self, limit: int = 500) -> None:
        self._lines: list[str | Callable[[], str]] = []
        self._limit = limit

    def note(self, line: str) -> None:
        if len(self._lines) < self._limit:
            self._lines.append(mask_secrets(line))

    def note_later(self, write: Callable[[], str]) -> None:
        """A line written when read, and masked then, against every secret known by then:
        ``write`` must read only what cannot change (a frozen exchange, fixed values)."""
        if len(self._lines) < self._limit:
            self._lines.append(write)

    def step(self, keyword: str, text: str) -> None:
        self.note(f"step: {keyword} {text}")

    def lines(self) -> Iterator[str]:
        for index, line in enumerate(self._lines):
            if not isinstance(line, str):
                line = self._lines[index] = mask_secrets(line())
            yield line

    def __len__(self) -> int:
        return len(self._lines)
