"""Redmine's XML format: every GET route of the Redmine-compatible API that answers at ``.json`` (taken from the
app's URL map, so a new route is checked without being listed) answers at ``.xml`` too, and the XML, read by
a real XML parser (defusedxml's ElementTree), says what the JSON says, with Redmine's element names. XML
request bodies create and update; XML bombs and external entities are refused."""
from __future__ import annotations

import itertools

import pytest
from defusedxml import ElementTree
from sqlalchemy import select

from tracker.accounts.services import issue_api_key
from tracker.tickets.admin import services as admin_services
from tracker.tickets.models import Ticket, Tracker
from tracker.wg.models import WorkingGroup

META = ("total_count", "offset", "limit")


@pytest.fixture
def world(db, make, client):
    """A WG with one of everything, made through the API (JSON) by an administrator and its leader."""
    admin = make.admin(name="管理 太郎")
    leader = make.user(name="本間 一郎", section=make.section(name="情報政策課"))
    keys = {"admin": issue_api_key(admin), "leader": issue_api_key(leader)}
    tracker = db.session.scalar(select(Tracker).order_by(Tracker.position))
    field = admin_services.save_custom_field(None, name="対象地区", field_format="list", possible_values=["中央", "東"],
                                             multiple=True, is_for_all=True, tracker_ids=[tracker.id])
    db.session.commit()

    def send(method, path, who="admin", **kwargs):
        response = getattr(client, method)(path, headers={"X-Redmine-API-Key": keys[who]}, **kwargs)
        assert response.status_code in (200, 201, 204), (path, response.status_code, response.get_data(as_text=True))
        return response.get_json(silent=True)

    wg = send("post", "/projects.json", json={"project": {"name": "窓口DX WG", "identifier": "madoguchi"}})["project"]
    roles = client.get("/roles.json", headers={"X-Redmine-API-Key": keys["admin"]}).get_json()["roles"]
    member = send("post", "/projects/madoguchi/memberships.json",
                  json={"membership": {"user_id": leader.id, "role_ids": [roles[0]["id"]]}})["membership"]
    version = send("post", "/projects/madoguchi/versions.json", json={"version": {"name": "R7年度"}})["version"]
    category = send("post", "/projects/madoguchi/issue_categories.json", json={"issue_category": {"name": "広報"}})
    parent = send("post", "/issues.json", json={"issue": {
        "project_id": wg["id"], "subject": "書かない窓口 <導入>", "description": "A & B", "fixed_version_id": version["id"],
        "custom_fields": [{"id": field.id, "value": ["中央", "東"]}]}})["issue"]
    child = send("post", "/issues.json", json={"issue": {"project_id": wg["id"], "subject": "子", "parent_issue_id": parent["id"]}})["issue"]
    send("put", f"/issues/{parent['id']}.json", json={"issue": {"notes": "定例会で確認"}})
    relation = send("post", f"/issues/{child['id']}/relations.json",
                    json={"relation": {"issue_to_id": parent["id"], "relation_type": "relates"}})["relation"]
    entry = send("post", "/time_entries.json", json={"time_entry": {"issue_id": parent["id"], "hours": 1.5, "comments": "打合せ"}})
    upload = client.post("/uploads.json?filename=memo.txt", data=b"memo", content_type="application/octet-stream",
                         headers={"X-Redmine-API-Key": keys["admin"]}).get_json()["upload"]
    send("put", f"/issues/{parent['id']}.json", json={"issue": {"uploads": [{"token": upload["token"], "filename": "memo.txt"}]}})
    attachment = send("get", f"/issues/{parent['id']}.json?include=attachments")["issue"]["attachments"][0]
    return {
        "keys": keys, "key": ["madoguchi", str(wg["id"])], "ticket_id": [parent["id"], child["id"]],
        "version_id": [version["id"]], "user_id": [leader.id, admin.id], "member_id": [member["id"]],
        "category_id": [category["issue_category"]["id"]], "group_id": [leader.section_id],
        "entry_id": [entry["time_entry"]["id"]], "relation_id": [relation["id"]], "attachment_id": [attachment["id"]],
        "news_id": [1], "title": ["Start_page"], "filename": ["memo.txt"],
    }


# Query strings that make the answers richer (includes), for the routes that take them.
EXTRA = {
    "/issues/<int:ticket_id>.json": "?include=children,attachments,relations,journals,watchers,allowed_statuses",
    "/issues.json": "?status_id=*&include=relations",
    "/projects.json": "?include=trackers,issue_categories,enabled_modules,time_entry_activities",
    "/projects/<key>.json": "?include=trackers,issue_categories,enabled_modules,time_entry_activities",
    "/users/<int:user_id>.json": "?include=memberships,groups",
    "/groups/<int:group_id>.json": "?include=users,memberships",
    "/search.json": "?q=窓口",
    "/projects/<key>/search.json": "?q=窓口",
}


def json_get_rules(app):
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint.startswith("redmine_api.") and "GET" in r.methods and r.rule.endswith(".json")),
                  key=lambda r: r.rule)


def paths_of(rule, world) -> list[str]:
    names = sorted(rule.arguments)
    paths = []
    for values in itertools.product(*(world[name] for name in names)):
        _, path = rule.build(dict(zip(names, values)), append_unknown=False)
        paths.append(path + EXTRA.get(rule.rule, ""))
    return paths


def text(value) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return str(value).lower()
    return str(value)


def differences(element, value, where: str) -> list[str]:
    """Where the XML ``element`` does not say what the JSON ``value`` says: a JSON field is the element's
    attribute of that name or its child element of that name; a JSON array is ``type="array"`` with one
    child per item; a value is the text."""
    if isinstance(value, dict):
        found = []
        for key, inner in value.items():
            if key in element.attrib and not isinstance(inner, (dict, list)):
                if element.attrib[key] != text(inner):
                    found.append(f"{where}@{key}: {element.attrib[key]!r} != {inner!r}")
                continue
            children = [c for c in element if c.tag == key]
            if len(children) != 1:
                found.append(f"{where}/{key}: {len(children)} elements")
                continue
            found += differences(children[0], inner, f"{where}/{key}")
        return found
    if isinstance(value, list):
        if element.get("type") != "array":
            return [f"{where}: not type=array"]
        items = list(element)
        if len(items) != len(value):
            return [f"{where}: {len(items)} items != {len(value)}"]
        return [d for n, (item, inner) in enumerate(zip(items, value)) for d in differences(item, inner, f"{where}[{n}]")]
    if (element.text or "") != text(value) or len(element):
        return [f"{where}: {element.text!r} != {value!r}"]
    return []


def test_every_json_route_of_any_method_has_its_xml_twin(app):
    rules = {(r.rule, frozenset(r.methods - {"HEAD", "OPTIONS"}), r.endpoint) for r in app.url_map.iter_rules()
             if r.endpoint.startswith("redmine_api.")}
    json_rules = [rule for rule in rules if rule[0].endswith(".json")]
    assert len(json_rules) > 60
    missing = [rule for rule in json_rules if (rule[0][: -len(".json")] + ".xml", rule[1], rule[2]) not in rules]
    assert not missing


def test_every_json_route_answers_in_xml_with_the_same_content(app, client, world):
    rules = json_get_rules(app)
    assert len(rules) > 30  # the map really is the Redmine API's
    checked = 0
    for rule in rules:
        for path in paths_of(rule, world):
            xml_path = path.replace(".json", ".xml", 1)
            for who in ("admin", "leader"):
                headers = {"X-Redmine-API-Key": world["keys"][who]}
                as_json, as_xml = client.get(path, headers=headers), client.get(xml_path, headers=headers)
                assert as_xml.status_code == as_json.status_code, xml_path
                if as_json.status_code == 204:
                    continue
                assert as_xml.mimetype == "application/xml", xml_path
                root = ElementTree.fromstring(as_xml.data)
                data = as_json.get_json()
                name = next(k for k in data if k not in META)
                assert root.tag == name, xml_path
                for key in META:
                    assert root.get(key) == (text(data[key]) if key in data else None), (xml_path, key)
                inner = data[name]
                problems = differences(root, inner, name)
                assert not problems, (xml_path, who, problems[:5])
                checked += 1
    assert checked > 60


def _get_xml(client, world, path):
    response = client.get(path, headers={"X-Redmine-API-Key": world["keys"]["admin"]})
    assert response.status_code == 200
    return ElementTree.fromstring(response.data)


def test_redmine_element_names_and_attributes(client, world):
    """As Redmine's views write them: references as attributes, arrays with type="array", paging on the root."""
    issues = _get_xml(client, world, "/issues.xml?status_id=*&sort=id&limit=1")
    assert issues.tag == "issues" and issues.get("type") == "array"
    assert (issues.get("total_count"), issues.get("offset"), issues.get("limit")) == ("2", "0", "1")
    issue = issues.find("issue")
    assert issue.find("project").attrib == {"id": world["key"][1], "name": "窓口DX WG"}
    assert set(issue.find("status").attrib) == {"id", "name", "is_closed"}
    assert issue.find("subject").text == "書かない窓口 <導入>" and issue.find("description").text == "A & B"
    assert list(issue)[0].tag == "id"  # Redmine's order: id first
    fields = issue.find("custom_fields")
    assert fields.get("type") == "array"
    field = fields.find("custom_field")
    assert field.get("name") == "対象地区" and field.get("multiple") == "true"
    assert field.find("value").get("type") == "array"
    assert [v.text for v in field.find("value")] == ["中央", "東"]

    shown = _get_xml(client, world, f"/issues/{world['ticket_id'][0]}.xml?include=journals,children,attachments")
    journal = shown.find("journals/journal")
    assert journal.get("id") and journal.find("notes").text == "定例会で確認"
    details = [d for d in shown.iterfind("journals/journal/details/detail")]
    assert ("relation", "relates", str(world["ticket_id"][1])) in [
        (d.get("property"), d.get("name"), d.find("new_value").text) for d in details]
    assert shown.find("children/issue").get("id") == str(world["ticket_id"][1])
    assert shown.find("attachments/attachment/filename").text == "memo.txt"

    memberships = _get_xml(client, world, "/projects/madoguchi/memberships.xml")
    assert memberships.find("membership/user").get("name") == "本間 一郎"
    assert memberships.find("membership/roles").get("type") == "array"
    assert memberships.find("membership/id") is not None  # a membership's id is an element, not an attribute


def test_errors_in_xml(client, world):
    response = client.post("/projects.xml", data="<project><name>x</name><identifier>123</identifier></project>",
                           content_type="application/xml", headers={"X-Redmine-API-Key": world["keys"]["admin"]})
    assert response.status_code == 422
    root = ElementTree.fromstring(response.data)
    assert root.tag == "errors" and root.get("type") == "array" and root.find("error").text
    missing = client.get("/issues/999999.xml", headers={"X-Redmine-API-Key": world["keys"]["admin"]})
    assert missing.status_code == 404 and ElementTree.fromstring(missing.data).tag == "errors"
    assert client.get("/issues.xml").status_code == 401


def test_xml_bodies_create_and_update(client, db, world):
    headers = {"X-Redmine-API-Key": world["keys"]["admin"]}
    project = client.post("/projects.xml", headers=headers, content_type="application/xml", data=(
        '<?xml version="1.0" encoding="UTF-8"?><project><name>XML WG</name><identifier>xml-wg</identifier>'
        "<is_public>false</is_public></project>").encode())
    assert project.status_code == 201 and project.headers["Location"].endswith(".xml")
    created = ElementTree.fromstring(project.data)
    assert created.find("identifier").text == "xml-wg" and created.find("is_public").text == "false"

    roles = ElementTree.fromstring(client.get("/roles.xml", headers=headers).data)
    role_id = roles.find("role/id").text
    member = client.post("/projects/xml-wg/memberships.xml", headers=headers, content_type="application/xml", data=(
        f'<membership><user_id>{world["user_id"][0]}</user_id><role_ids type="array"><role_id>{role_id}</role_id>'
        "</role_ids></membership>").encode())
    assert member.status_code == 201, member.data
    assert ElementTree.fromstring(member.data).find("roles/role").get("id") == role_id

    issue = client.post("/issues.xml", headers=headers, content_type="application/xml", data=(
        f'<issue><project_id>{created.find("id").text}</project_id><subject>XMLで登録</subject>'
        "<description>本文</description></issue>").encode())
    assert issue.status_code == 201, issue.data
    issue_id = ElementTree.fromstring(issue.data).find("id").text
    update = client.put(f"/issues/{issue_id}.xml", headers=headers, content_type="application/xml",
                        data="<issue><subject>XMLで更新</subject><notes>メモ</notes></issue>".encode())
    assert update.status_code == 204
    assert db.session.get(Ticket, int(issue_id)).subject == "XMLで更新"

    # A custom field as Rails reads it: attributes and children in one element, a multiple value as an array.
    field = ElementTree.fromstring(client.get(f"/issues/{world['ticket_id'][0]}.xml", headers=headers).data
                                   ).find("custom_fields/custom_field")
    update = client.put(f"/issues/{issue_id}.xml", headers=headers, content_type="application/xml", data=(
        f'<issue><custom_fields type="array"><custom_field id="{field.get("id")}"><value type="array">'
        "<value>東</value></value></custom_field></custom_fields></issue>").encode())
    assert update.status_code == 204, update.data
    shown = ElementTree.fromstring(client.get(f"/issues/{issue_id}.xml", headers=headers).data)
    assert [v.text for v in shown.find("custom_fields/custom_field/value")] == ["東"]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<project><name>&lol3;</name><identifier>bomb</identifier></project>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<project><name>&secret;</name><identifier>leak</identifier></project>"""


@pytest.mark.parametrize("payload", [BOMB, EXTERNAL, b"<project><name>unclosed</project>"])
def test_xml_bombs_external_entities_and_broken_xml_are_refused(client, db, world, payload):
    response = client.post("/projects.xml", data=payload, content_type="application/xml",
                           headers={"X-Redmine-API-Key": world["keys"]["admin"]})
    assert response.status_code == 400
    assert ElementTree.fromstring(response.data).tag == "errors"
    assert db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier.in_(["bomb", "leak"]))) is None
