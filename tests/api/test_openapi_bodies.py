"""The OpenAPI document describes every successful body of the JSON API: each 2xx answer of
every /v1 operation has a content schema, a typed one (a component, not a bare object), except
204 No Content; the file downloads declare application/octet-stream."""

from __future__ import annotations

import inspect
import types
import typing

import msgspec

from api.routes import CONTROLLERS

OCTETS, TEXT = ["application/octet-stream"], ["text/plain"]
DOWNLOADS = {"/v1/transfers/{transfer_id}/files/{file_id}/content": OCTETS,
             "/v1/breaches/{case_id}/attachments/{attachment_id}/content": OCTETS,
             # A delivered table in its format (xlsx, px, xpt, sav, csv) and the delivery's documentation.
             "/v1/commissions/{commission_id}/deliveries/{delivery}/files/{name}": OCTETS,
             "/v1/commissions/{commission_id}/deliveries/{delivery}/documentation": TEXT,
             "/v1/commission-links/{commission_id}/deliveries/{delivery}/files/{name}": OCTETS,
             "/v1/commission-links/{commission_id}/deliveries/{delivery}/documentation": TEXT}
METHODS = ("get", "put", "post", "delete", "patch")


async def _document(client) -> dict:
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()


def _successes(document: dict):
    for path, item in document["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method in METHODS:
            if method in item:
                for status, answer in item[method]["responses"].items():
                    if status.startswith("2"):
                        yield path, method, status, answer


async def test_every_2xx_answer_of_v1_has_a_typed_content_schema(client):
    document = await _document(client)
    seen, untyped = 0, []
    for path, method, status, answer in _successes(document):
        seen += 1
        if status == "204":
            assert not answer.get("content"), f"{method.upper()} {path}: 204 has no body"
            continue
        content = answer.get("content") or {}
        if path in DOWNLOADS:
            assert list(content) == DOWNLOADS[path], (path, content)
            continue
        schema = content.get("application/json", {}).get("schema") or {}
        # A component, or one of several (a verify answers a new session or a refreshed one).
        named = "$ref" in schema or (schema.get("oneOf") and all("$ref" in s for s in schema["oneOf"]))
        if not named:
            untyped.append(f"{method.upper()} {path} {status}: {schema}")
    assert seen > 80
    assert not untyped, "\n".join(untyped)


async def test_every_referenced_component_is_in_the_document(client):
    document = await _document(client)
    components = document["components"]["schemas"]
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"].rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs - set(components) == set()


def test_every_route_handler_returns_a_struct_not_a_dict():
    """A handler answers a msgspec Struct (or a page of them), nothing, or a file (from disk, or
    bytes made in memory: a delivered table); never a dict."""
    wrong, handlers = [], 0
    for controller in CONTROLLERS:
        for name, member in inspect.getmembers(controller):
            handler = getattr(member, "fn", None)
            if handler is None:
                continue
            handlers += 1
            returned = typing.get_type_hints(handler)["return"]
            body = typing.get_args(returned)[0] if typing.get_origin(returned) is not None and \
                getattr(typing.get_origin(returned), "__name__", "") == "Response" else returned
            if body is type(None) or body is bytes or getattr(body, "__name__", "") == "File":
                continue
            members = typing.get_args(body) if isinstance(body, types.UnionType) else (body,)
            for member in members:
                target = typing.get_origin(member) or member
                if not (isinstance(target, type) and issubclass(target, msgspec.Struct)):
                    wrong.append(f"{controller.__name__}.{name}: {returned}")
    assert handlers > 90
    assert not wrong, "\n".join(wrong)
