"""The portal's HTTP contract: the versioned OpenAPI document a target implements."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

#: The OpenAPI 3.1 document; ``info.version`` is ``CONTRACT_VERSION``.
OPENAPI_PATH = Path(__file__).with_name("openapi.yaml")


def load_contract() -> dict[str, Any]:
    """The document as plain data (a fresh copy each call, so callers may change it)."""
    return copy.deepcopy(_parsed())


@lru_cache(maxsize=1)
def _parsed() -> dict[str, Any]:
    with OPENAPI_PATH.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


__all__ = ["OPENAPI_PATH", "load_contract"]
