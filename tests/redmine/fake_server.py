"""A local HTTP server that answers like Redmine 5.0.4, from real responses in tests/fixtures/.

It serves collections page by page (offset/limit/total_count) and single objects, and it can be given
extra issues to exercise paging; it counts requests and checks the API key as Redmine does (401).
"""
from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "redmine-5.0.4"
API_KEY = "fake-redmine-key"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeRedmine:
    def __init__(self):
        self.projects = load("projects.json")["projects"]
        self.users = load("users.json")["users"]
        self.memberships = load("memberships.json")["memberships"]
        self.versions = load("versions.json")["versions"]
        self.trackers = load("trackers.json")["trackers"]
        self.statuses = load("issue_statuses.json")["issue_statuses"]
        self.priorities = load("issue_priorities.json")["issue_priorities"]
        self.roles = load("roles.json")["roles"]
        self.time_entries = load("time_entries.json")["time_entries"]
        full = load("issue-1-full.json")["issue"]
        listed = {issue["id"]: issue for issue in load("issues-page.json")["issues"]}
        listed[full["id"]] = full
        self.issues = listed  # id -> issue as /issues/N.json?include=... answers
        self.custom_fields = [{
            "id": 1, "name": "担当課", "customized_type": "issue", "field_format": "list", "regexp": "",
            "is_required": False, "is_filter": True, "searchable": True, "multiple": False, "default_value": "",
            "visible": True, "possible_values": [{"value": "市民課", "label": "市民課"}, {"value": "情報政策課", "label": "情報政策課"}],
            "trackers": [{"id": 1, "name": "Bug"}, {"id": 2, "name": "Feature"}], "roles": [],
        }, {"id": 2, "name": "社員番号", "customized_type": "user", "field_format": "string"}]
        self.activities = [{"id": 8, "name": "Design", "is_default": False, "active": True},
                           {"id": 9, "name": "Development", "is_default": False, "active": True}]
        self.categories = [{"id": 1, "project": {"id": 1, "name": "マイナンバーカード普及・活用WG"}, "name": "普及促進"}]
        self.files: dict[int, bytes] = {}
        self.requests: list[str] = []
        self._server = None
        self.url = ""
        self.project_fields: dict[int, list[int]] | None = {1: [1]}  # project id -> its issue custom fields
        self.admin_key = True  # False: /users.json and /custom_fields.json answer 403, as for a non-admin key

    def add_attachment(self, issue_id: int, attachment_id: int, filename: str, data: bytes) -> None:
        """An attachment on an issue, downloadable at its content_url (set once the server has started)."""
        self.files[attachment_id] = data
        self.issues[issue_id].setdefault("attachments", []).append({
            "id": attachment_id, "filename": filename, "filesize": len(data), "content_type": "text/plain",
            "description": "様式", "content_url": f"{self.url}/attachments/download/{attachment_id}/{quote(filename)}",
            "author": {"id": 5, "name": "一郎 本間"}, "created_on": "2026-11-22T18:31:02Z",
        })

    def add_issues(self, count: int, start_id: int = 1000) -> None:
        template = self.issues[min(self.issues)]
        for n in range(count):
            issue = copy.deepcopy(template)
            issue.update(id=start_id + n, subject=f"追加チケット {n}", journals=[], children=[], relations=[], watchers=[], attachments=[])
            issue.pop("parent", None)
            self.issues[issue["id"]] = issue

    # -- serving -------------------------------------------------------------------------------------

    def _page(self, items: list, key: str, query: dict) -> dict:
        offset = int(query.get("offset", ["0"])[0])
        limit = min(int(query.get("limit", ["25"])[0]), 100)
        return {key: items[offset : offset + limit], "total_count": len(items), "offset": offset, "limit": limit}

    def answer(self, path: str, query: dict) -> tuple[int, dict | None]:
        if not self.admin_key and path in ("/users.json", "/custom_fields.json"):
            return 403, None
        if path == "/users/current.json":
            return 200, load("users-current.json")
        if path == "/projects.json":
            return 200, self._page(self.projects, "projects", query)
        if path.startswith("/projects/") and path.endswith("/memberships.json"):
            return 200, self._page(self.memberships, "memberships", query)
        if path.startswith("/projects/") and path.endswith("/versions.json"):
            return 200, {"versions": self.versions, "total_count": len(self.versions)}
        if path.startswith("/projects/") and path.endswith("/issue_categories.json"):
            return 200, {"issue_categories": self.categories, "total_count": len(self.categories)}
        if path.startswith("/projects/") and path.endswith("/time_entries.json"):
            return 200, self._page(self.time_entries, "time_entries", query)
        if path == "/enumerations/time_entry_activities.json":
            return 200, {"time_entry_activities": self.activities}
        if path == "/users.json":
            return 200, self._page(self.users, "users", query)
        if path == "/trackers.json":
            return 200, {"trackers": self.trackers}
        if path == "/issue_statuses.json":
            return 200, {"issue_statuses": self.statuses}
        if path == "/enumerations/issue_priorities.json":
            return 200, {"issue_priorities": self.priorities}
        if path == "/roles.json":
            return 200, {"roles": self.roles}
        if path == "/custom_fields.json":
            return 200, {"custom_fields": self.custom_fields}
        if path == "/time_entries.json":
            return 200, self._page(self.time_entries, "time_entries", query)
        if path == "/issues.json":
            items = [self._listed(i) for i in sorted(self.issues.values(), key=lambda i: i["id"])]
            if "issue_id" in query.get("f[]", []) and query.get("op[issue_id]") == [">="]:
                least = int(query["v[issue_id][]"][0])  # Redmine's filter syntax, as the importer pages by id
                items = [i for i in items if i["id"] >= least]
            return 200, self._page(items, "issues", query)
        if path.startswith("/projects/") and path.endswith(".json") and path.count("/") == 2:
            project = next((p for p in self.projects if path in (f"/projects/{p['id']}.json", f"/projects/{p['identifier']}.json")), None)
            if project is None:
                return 404, None
            answer = dict(project)
            if "issue_custom_fields" in query.get("include", [""])[0] and self.project_fields is not None:
                answer["issue_custom_fields"] = [{"id": f["id"], "name": f["name"]} for f in self.custom_fields
                                                 if f["id"] in self.project_fields.get(project["id"], ())]
            return 200, {"project": answer}
        if path.startswith("/issues/") and path.endswith(".json"):
            issue_id = int(path[len("/issues/") : -len(".json")])
            if issue_id not in self.issues:
                return 404, None
            return 200, {"issue": self.issues[issue_id]}
        return 404, None

    @staticmethod
    def _listed(issue: dict) -> dict:
        listed = {k: v for k, v in issue.items() if k not in {"journals", "children", "relations", "watchers", "attachments", "changesets", "allowed_statuses"}}
        return listed

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                fake.requests.append(self.path)
                query = parse_qs(parts.query)
                key = self.headers.get("X-Redmine-API-Key") or query.get("key", [None])[0]
                if key != API_KEY:
                    self.send_response(401)
                    self.end_headers()
                    return
                if parts.path.startswith("/attachments/download/"):
                    data = fake.files.get(int(parts.path.split("/")[3]))
                    self.send_response(200 if data is not None else 404)
                    self.send_header("Content-Length", str(len(data or b"")))
                    self.end_headers()
                    self.wfile.write(data or b"")
                    return
                status, body = fake.answer(parts.path, query)
                payload = json.dumps(body or {}, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
