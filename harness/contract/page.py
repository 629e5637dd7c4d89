"""The contract as one human-readable HTML page, rendered from the OpenAPI document on the
server: no script and nothing fetched, so it reads offline and in any browser."""

from __future__ import annotations

import html
import re
from typing import Any

METHODS = ("get", "put", "post", "patch", "delete")
_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:0 1em 4em;color:#1b1f24}
code,pre{font:13px ui-monospace,monospace;background:#f3f4f6;border-radius:3px;padding:0 .2em}
pre{padding:.6em;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em}
th,td{border:1px solid #d0d7de;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa}
.op{border-left:4px solid #57606a;padding:.1em .8em;margin:1.2em 0}
.method{font-weight:700;text-transform:uppercase;margin-right:.5em}
.get{border-color:#1a7f37}.post{border-color:#0969da}.put{border-color:#9a6700}
.delete{border-color:#cf222e}.patch{border-color:#8250df}
nav ul{columns:2}
"""


def render_contract_page(document: dict[str, Any]) -> str:
    """The whole page: the description, every operation by tag, the webhooks, the schemas."""
    info = document.get("info", {})
    title = f"{info.get('title', 'Contract')} {info.get('version', '')}".strip()
    operations = _operations(document.get("paths", {}))
    tags = [t["name"] for t in document.get("tags", [])] or sorted({t for t, *_ in operations})
    tag_text = {t["name"]: t.get("description", "") for t in document.get("tags", [])}
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p><em>{_e(info.get('summary', ''))}</em></p>",
        '<p>The machine-readable document: <a href="openapi.yaml">openapi.yaml</a>.</p>',
        _markdown(info.get("description", "")),
        "<nav><h2>Operations</h2><ul>",
    ]
    for _, method, path, operation in operations:
        anchor = _anchor(operation, method, path)
        parts.append(
            f'<li><a href="#{anchor}"><code>{method.upper()} {_e(path)}</code></a> '
            f"{_e(operation.get('summary', ''))}</li>"
        )
    parts.append('<li><a href="#schemas">Schemas</a></li></ul></nav>')
    for tag in tags:
        tagged = [op for op in operations if op[0] == tag]
        if not tagged:
            continue
        parts += [f"<h2>{_e(tag)}</h2>", _markdown(tag_text.get(tag, ""))]
        parts += [_operation(method, path, operation) for _, method, path, operation in tagged]
    webhooks = document.get("webhooks", {})
    if webhooks:
        parts.append("<h2>Webhooks: what the portal sends</h2>")
        for name, item in webhooks.items():
            for method in METHODS:
                if method in item:
                    parts.append(_operation(method, name, item[method]))
    parts.append('<h2 id="schemas">Schemas</h2>')
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        parts.append(_schema(name, schema))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _operations(paths: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    found = []
    for path, item in paths.items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                tag = (operation.get("tags") or ["other"])[0]
                found.append((tag, method, path, operation))
    return found


def _anchor(operation: dict[str, Any], method: str, path: str) -> str:
    return str(operation.get("operationId") or re.sub(r"\W+", "-", f"{method}{path}"))


def _operation(method: str, path: str, operation: dict[str, Any]) -> str:
    parts = [
        f'<section class="op {method}" id="{_e(_anchor(operation, method, path))}">',
        f'<h3><span class="method">{method}</span><code>{_e(path)}</code> '
        f"{_e(operation.get('summary', ''))}</h3>",
        _markdown(operation.get("description", "")),
    ]
    parameters = operation.get("parameters", [])
    if parameters:
        parts.append("<table><tr><th>parameter</th><th>in</th><th>type</th><th>about</th></tr>")
        for parameter in parameters:
            parameter = parameter if "$ref" not in parameter else {"name": _ref(parameter)}
            required = " (required)" if parameter.get("required") else ""
            parts.append(
                f"<tr><td><code>{_e(parameter.get('name', ''))}</code>{required}</td>"
                f"<td>{_e(parameter.get('in', ''))}</td>"
                f"<td>{_type(parameter.get('schema', {}))}</td>"
                f"<td>{_inline(parameter.get('description', ''))}</td></tr>"
            )
        parts.append("</table>")
    body = operation.get("requestBody")
    if body:
        for media, content in body.get("content", {}).items():
            parts.append(f"<p>Request body ({_e(media)}): {_type(content.get('schema', {}))}</p>")
    responses = operation.get("responses", {})
    if responses:
        parts.append("<table><tr><th>answer</th><th>body</th><th>about</th></tr>")
        for status, response in responses.items():
            if "$ref" in response:
                name = _ref(response)
                parts.append(f"<tr><td>{_e(status)}</td><td colspan=2>{_e(name)}</td></tr>")
                continue
            kinds = ", ".join(
                f"{_e(media)} {_type(c.get('schema', {}))}"
                for media, c in response.get("content", {}).items()
            )
            parts.append(
                f"<tr><td>{_e(status)}</td><td>{kinds or 'no body'}</td>"
                f"<td>{_inline(response.get('description', ''))}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _schema(name: str, schema: dict[str, Any]) -> str:
    parts = [
        f'<h3 id="schema-{_e(name)}">{_e(name)}</h3>',
        _markdown(schema.get("description", "")),
    ]
    properties = schema.get("properties", {})
    if properties:
        required = set(schema.get("required", []))
        parts.append("<table><tr><th>member</th><th>type</th><th>about</th></tr>")
        for member, spec in properties.items():
            mark = " (required)" if member in required else ""
            parts.append(
                f"<tr><td><code>{_e(member)}</code>{mark}</td><td>{_type(spec)}</td>"
                f"<td>{_inline(spec.get('description', ''))}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append(f"<p>{_type(schema)}</p>")
    return "\n".join(p for p in parts if p)


def _type(schema: dict[str, Any]) -> str:
    """A schema in a few words, references as links to their schema."""
    if not schema:
        return "any"
    if "$ref" in schema:
        name = _ref(schema)
        return f'<a href="#schema-{_e(name)}">{_e(name)}</a>'
    for combined in ("oneOf", "anyOf", "allOf"):
        if combined in schema:
            joiner = " and " if combined == "allOf" else " or "
            return joiner.join(_type(s) for s in schema[combined])
    if "enum" in schema:
        return "one of " + ", ".join(f"<code>{_e(str(v))}</code>" for v in schema["enum"])
    if "const" in schema:
        return f"<code>{_e(str(schema['const']))}</code>"
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = " or ".join(map(str, kind))
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    detail = schema.get("format") or schema.get("pattern")
    return _e(str(kind)) + (f" (<code>{_e(str(detail))}</code>)" if detail else "")


def _ref(item: dict[str, Any]) -> str:
    return str(item["$ref"]).rsplit("/", 1)[-1]


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _inline(text: str) -> str:
    """Escaped text with Markdown's `code` and **bold**."""
    escaped = _e(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


def _markdown(text: str) -> str:
    """The little Markdown the document uses: paragraphs, and "- " items (continued by
    indented lines)."""
    html_blocks: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            html_blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            listed = "".join(f"<li>{_inline(' '.join(item))}</li>" for item in items)
            html_blocks.append(f"<ul>{listed}</ul>")
            items.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("- "):
            if paragraph:
                html_blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
                paragraph.clear()
            items.append([stripped[2:]])
        elif items and line.startswith("  "):
            items[-1].append(stripped)
        else:
            if items:
                flush()
            paragraph.append(stripped)
    flush()
    return "\n".join(html_blocks)
