"""What there is to cover in the HTTP contract: its operations, their documented response
codes, and the fields of every request body, read from ``harness/contract/openapi.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from harness.contract import load_contract

#: Contract tags of the operations a student calls (not logged in, and logged in).
STUDENT_TAGS = ("account", "student")
#: Stands for "no default": a required member, so any value sent is a chosen one.
REQUIRED = object()


@dataclass(frozen=True)
class Operation:
    """One contract operation, named by its ``operationId`` (the driver method's name)."""

    operation_id: str
    method: str
    path: str
    tag: str
    responses: tuple[int, ...]  # the documented status codes, success first
    body: str  # the request body's schema name ("" without one)
    answer: str  # the 2xx answer's schema name ("[X]" for a list of X; "" without one)

    @property
    def success(self) -> int:
        return self.responses[0]

    @property
    def student_facing(self) -> bool:
        return self.tag in STUDENT_TAGS


@dataclass(frozen=True)
class BodyField:
    """One top-level member of a request body. ``view`` is the read operation that shows
    its effect (the GET answering the same schema as the write), "" when none does."""

    operation: str
    schema: str
    name: str
    default: Any  # REQUIRED, or the schema's default (None for a nullable "unchanged")
    view: str

    @property
    def key(self) -> str:
        return f"{self.operation}.{self.name}"

    @property
    def writable(self) -> bool:
        """A field a logged-in student writes and then sees: what the gate holds to."""
        return bool(self.view)

    def chosen(self, value: Any) -> bool:
        """Whether ``value`` (wire data) is a value the sender chose, not the default."""
        if self.default is REQUIRED:
            return True
        return value != self.default and value not in (None, "")


@dataclass(frozen=True)
class ContractInventory:
    operations: tuple[Operation, ...]
    fields: tuple[BodyField, ...]

    def operation(self, operation_id: str) -> Operation:
        return next(op for op in self.operations if op.operation_id == operation_id)

    def fields_of(self, operation_id: str) -> tuple[BodyField, ...]:
        return tuple(f for f in self.fields if f.operation == operation_id)


def _schema_name(node: dict[str, Any] | None) -> str:
    if not node:
        return ""
    schema = node.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    items = schema.get("items", {})
    if "$ref" in items:
        return "[" + str(items["$ref"]).rsplit("/", 1)[-1] + "]"
    return ""


@lru_cache(maxsize=1)
def contract_inventory() -> ContractInventory:
    """Every operation and body field of the contract, in the document's order."""
    document = load_contract()
    schemas = document["components"]["schemas"]
    operations = []
    for path, item in document["paths"].items():
        for method, spec in item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            codes = sorted((int(c) for c in spec["responses"] if c.isdigit()), key=_success_first)
            success = next((c for c in codes if 200 <= c < 300), codes[0])
            operations.append(
                Operation(
                    operation_id=spec["operationId"],
                    method=method.upper(),
                    path=path,
                    tag=spec["tags"][0],
                    responses=tuple(codes),
                    body=_schema_name(spec.get("requestBody")),
                    answer=_schema_name(spec["responses"].get(str(success))),
                )
            )
    fields = []
    for op in operations:
        if not op.body:
            continue
        schema = schemas[op.body]
        view = _view_of(op, operations)
        required = set(schema.get("required", ()))
        for name, member in schema.get("properties", {}).items():
            default = REQUIRED if name in required else member.get("default")
            fields.append(BodyField(op.operation_id, op.body, name, default, view))
    return ContractInventory(tuple(operations), tuple(fields))


def _success_first(code: int) -> tuple[int, int]:
    return (0 if 200 <= code < 300 else 1, code)


def _view_of(write: Operation, operations: list[Operation]) -> str:
    """The student's GET whose answer holds what ``write`` answers: where its effect shows."""
    if write.tag != "student" or not write.answer:
        return ""
    shown = write.answer.strip("[]")
    for op in operations:
        if op.method == "GET" and op.tag == "student" and op.answer.strip("[]") == shown:
            return op.operation_id
    return ""
