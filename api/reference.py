"""The API reference: a plain page that BOA renders itself from its OpenAPI document (served at
``/schema``), with no script at all, so nothing from a third party runs on the admin pages'
origin. Its one stylesheet is inline and allowed by its hash in the page's Content-Security-Policy
(:data:`CSP`); the machine-readable document stays at ``/schema/openapi.json``."""

from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}"
    "h2{border-bottom:1px solid #ccc;margin-top:2.5rem}section.op{margin:1.2rem 0;padding:.6rem .9rem;"
    "border-left:4px solid #4a6fa5;background:#f6f8fb}code,.path{font-family:ui-monospace,monospace}"
    ".method{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}"
    "table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #d5d9e0;padding:.2rem .5rem;"
    "text-align:left;vertical-align:top}.muted{color:#555}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
# The reference page (and the documents beside it) may load nothing but its own inline style.
CSP = (f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")


def _type(schema: dict[str, Any] | None) -> str:
    """A schema in a few words: its type, a link to a named schema, or the union of its choices."""
    if not schema:
        return "any"
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return " | ".join(_type(s) for s in schema[key])
    kind = schema.get("type")
    if kind == "array":
        return f"array of {_type(schema.get('items'))}"
    words = escape(str(kind or "object"))
    if "format" in schema:
        words += f" ({escape(str(schema['format']))})"
    if "enum" in schema:
        words += ": " + ", ".join(f"<code>{escape(str(v))}</code>" for v in schema["enum"])
    return words


def _parameters(op: dict[str, Any]) -> str:
    params = op.get("parameters") or []
    if not params:
        return ""
    rows = "".join(
        f"<tr><td><code>{escape(str(p.get('name')))}</code></td><td>{escape(str(p.get('in')))}</td>"
        f"<td>{_type(p.get('schema'))}</td><td>{'yes' if p.get('required') else ''}</td></tr>"
        for p in params)
    return f"<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th></tr>{rows}</table>"


def _body(op: dict[str, Any]) -> str:
    content = (op.get("requestBody") or {}).get("content") or {}
    return "".join(f"<p>Body <code>{escape(media)}</code>: {_type(spec.get('schema'))}</p>"
                   for media, spec in content.items())


def _responses(op: dict[str, Any]) -> str:
    rows = []
    for status, spec in sorted((op.get("responses") or {}).items()):
        content = spec.get("content") or {}
        shape = ", ".join(f"<code>{escape(m)}</code> {_type(s.get('schema'))}" for m, s in content.items())
        rows.append(f"<tr><td>{escape(str(status))}</td><td>{escape(str(spec.get('description', '')))}</td>"
                    f"<td>{shape}</td></tr>")
    return f"<table><tr><th>status</th><th>meaning</th><th>body</th></tr>{''.join(rows)}</table>"


def _operations(doc: dict[str, Any]) -> str:
    by_tag: dict[str, list[str]] = {}
    for path, item in sorted((doc.get("paths") or {}).items()):
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            summary = op.get("summary") or op.get("description") or ""
            html = (f'<section class="op"><div><span class="method">{method}</span> '
                    f'<span class="path">{escape(path)}</span></div>'
                    f'<p class="muted">{escape(str(summary))}</p>{_parameters(op)}{_body(op)}{_responses(op)}</section>')
            by_tag.setdefault((op.get("tags") or ["Other"])[0], []).append(html)
    return "".join(f"<h2>{escape(tag)}</h2>{''.join(ops)}" for tag, ops in sorted(by_tag.items()))


def _schemas(doc: dict[str, Any]) -> str:
    out = []
    for name, schema in sorted(((doc.get("components") or {}).get("schemas") or {}).items()):
        required = set(schema.get("required") or ())
        rows = "".join(
            f"<tr><td><code>{escape(field)}</code></td><td>{_type(spec)}</td>"
            f"<td>{'yes' if field in required else ''}</td></tr>"
            for field, spec in (schema.get("properties") or {}).items())
        table = f"<table><tr><th>field</th><th>type</th><th>required</th></tr>{rows}</table>" if rows else ""
        out.append(f'<section id="schema-{escape(name)}"><h3>{escape(name)}</h3>{table}</section>')
    return f"<h2>Schemas</h2>{''.join(out)}" if out else ""


def render_reference(doc: dict[str, Any]) -> str:
    info = doc.get("info") or {}
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{STYLE}</style></head><body><h1>{title}</h1>"
            f"<p>{escape(str(info.get('description', '')))}</p>"
            '<p>The machine-readable document: <a href="/schema/openapi.json">/schema/openapi.json</a>.</p>'
            f"{_operations(doc)}{_schemas(doc)}</body></html>")


class ReferencePage(OpenAPIRenderPlugin):
    """Litestar's render plugin for :func:`render_reference` (at ``/schema`` and ``/schema/reference``)."""

    def __init__(self) -> None:
        super().__init__(path="/reference")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        return render_reference(openapi_schema).encode()
