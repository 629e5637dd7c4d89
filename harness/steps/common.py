"""Words the steps share: how a sentence names an OPT type, a notice or an error."""

from __future__ import annotations

from simulators.common.contract import ErrorCode
from simulators.common.domain import OptType

OPT_WORDS: dict[str, OptType] = {"post-completion": OptType.POST_COMPLETION, "STEM": OptType.STEM}


def opt_type(words: str) -> OptType:
    try:
        return OPT_WORDS[words]
    except KeyError:
        raise ValueError(f"unknown OPT type {words!r}; say one of {sorted(OPT_WORDS)}") from None


def error_code(words: str) -> ErrorCode:
    try:
        return ErrorCode(words)
    except ValueError:
        known = ", ".join(code.value for code in ErrorCode)
        raise ValueError(f"unknown error code {words!r}; known: {known}") from None
