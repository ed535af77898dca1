"""Redmine's XML format, made from the very JSON each endpoint answers (so the two cannot drift), and XML
request bodies read as Rails reads them, through defusedxml (no entity expansion, no external entities).

Redmine's views (``app/views/*/*.api.rsb``) write ``api.project(:id => 1, :name => "…")`` for a reference,
which its XML builder (``lib/redmine/views/builders/xml.rb``) renders as attributes, ``<project id="1"
name="…"/>``, and ``api.array :issues, api_meta(...)`` as ``<issues total_count=".." offset=".." limit=".."
type="array">``. Inside a resource, a nested object of plain values is such a reference; the few nested
objects that Redmine writes differently (a custom field's value, a journal's details …) are listed below.
"""
from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MIMETYPE = "application/xml"
META = ("total_count", "offset", "limit")

# The element name of an array's items, where it is not the plain singular (api.array :children do api.issue …).
ITEM_NAMES = {
    "children": "issue",
    "watchers": "user",
    "allowed_statuses": "status",
    "enabled_standard_fields": "field",
    "value": "value",
    "issue_statuses": "issue_status",
    "issue_priorities": "issue_priority",
    "time_entry_activities": "time_entry_activity",
    "issue_categories": "issue_category",
    "time_entries": "time_entry",
    "queries": "query",
    "entries": "entry",
    "statuses": "status",
    "addresses": "address",
}

# Nested objects whose attributes are only these keys (the rest are child elements), as Redmine writes them:
# ``api.custom_field :id, :name do api.value`` · ``api.journal :id do`` · ``api.detail :property, :name do`` ·
# ``api.issue(:id) do`` (children) · ``api.changeset :revision do``; and objects written wholly as children.
ATTRIBUTES_OF = {
    "custom_field": ("id", "name", "multiple"),
    "journal": ("id",),
    "detail": ("property", "name"),
    "issue": ("id",),
    "changeset": ("revision",),
    "attachment": (),
    "membership": (),
    "possible_value": (),
    "upload": (),
}


class XMLBodyError(ValueError):
    """A request body that is not well-formed XML, or that declares entities (an XML bomb)."""


def item_name(array_name: str) -> str:
    if array_name in ITEM_NAMES:
        return ITEM_NAMES[array_name]
    if array_name.endswith("ies"):
        return array_name[:-3] + "y"
    if array_name.endswith("s"):
        return array_name[:-1]
    return array_name


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _scalar(value) -> bool:
    return not isinstance(value, (dict, list))


def _fill_array(element: Element, name: str, items: list, resources: bool) -> None:
    element.set("type", "array")
    child_name = item_name(name)
    for item in items:
        if resources and isinstance(item, dict):
            _resource(SubElement(element, child_name), item)
        else:
            _nested(element, child_name, item)


def _resource(element: Element, data: dict) -> None:
    """A resource (the answer's object, or an item of the answer's array): every field is a child element."""
    for key, value in data.items():
        _nested(element, key, value)


def _nested(parent: Element, name: str, value) -> None:
    element = SubElement(parent, name)
    if isinstance(value, list):
        _fill_array(element, name, value, resources=False)
    elif isinstance(value, dict):
        if name in ATTRIBUTES_OF:
            attributes = [k for k in ATTRIBUTES_OF[name] if k in value and _scalar(value[k])]
        else:
            attributes = list(value) if all(_scalar(v) for v in value.values()) else []
        for key in attributes:
            element.set(key, _text(value[key]))
        for key, inner in value.items():
            if key not in attributes:
                _nested(element, key, inner)
    else:
        element.text = _text(value)


def to_xml(data: dict) -> bytes:
    """Redmine's XML for the JSON answer ``data``: ``{"issue": {...}}`` or ``{"issues": [...], "total_count": …}``."""
    names = [k for k in data if k not in META]
    name = names[0] if names else "result"
    value = data.get(name)
    root = Element(name)
    if isinstance(value, list):
        for key in META:
            if key in data:
                root.set(key, _text(data[key]))
        _fill_array(root, name, value, resources=True)
    elif isinstance(value, dict):
        _resource(root, value)
    else:
        root.text = _text(value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8")


# -- reading ---------------------------------------------------------------------------------------

def _read(element: Element):
    """One element as Rails' XML parameter parser gives it: ``type="array"`` a list, attributes and children a
    dict (repeated children a list), text a string, an empty element None."""
    kind = element.get("type")
    children = list(element)
    if kind == "array":
        return [_read(child) for child in children]
    if element.get("nil") == "true":
        return None
    attributes = {k: v for k, v in element.attrib.items() if k not in ("type", "nil")}
    if not children and not attributes:
        text = (element.text or "").strip()
        if not text:
            return None
        if kind == "integer":
            return int(text) if text.lstrip("-").isdigit() else text
        if kind == "boolean":
            return text in ("true", "1")
        return element.text
    result: dict = dict(attributes)
    for child in children:
        value = _read(child)
        if child.tag in result:
            existing = result[child.tag]
            result[child.tag] = existing + [value] if isinstance(existing, list) else [existing, value]
        else:
            result[child.tag] = value
    return result


def parse(payload: bytes) -> dict:
    """``<issue><subject>…</subject></issue>`` → ``{"issue": {"subject": "…"}}``. DTDs are refused outright, so
    no entity (billion laughs, external files) is ever expanded."""
    try:
        root = fromstring(payload, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as error:
        raise XMLBodyError(str(error)) from error
    return {root.tag: _read(root)}
