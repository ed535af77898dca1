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
from urllib.parse import parse_qs, urlsplit

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
        self.requests: list[str] = []
        self._server = None

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
        if path == "/users/current.json":
            return 200, load("users-current.json")
        if path == "/projects.json":
            return 200, self._page(self.projects, "projects", query)
        if path.startswith("/projects/") and path.endswith("/memberships.json"):
            return 200, self._page(self.memberships, "memberships", query)
        if path.startswith("/projects/") and path.endswith("/versions.json"):
            return 200, {"versions": self.versions, "total_count": len(self.versions)}
        if path.startswith("/projects/") and path.endswith("/issue_categories.json"):
            return 200, {"issue_categories": [], "total_count": 0}
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
            return 200, {"custom_fields": []}
        if path == "/time_entries.json":
            return 200, self._page(self.time_entries, "time_entries", query)
        if path == "/issues.json":
            items = [self._listed(i) for i in sorted(self.issues.values(), key=lambda i: i["id"])]
            return 200, self._page(items, "issues", query)
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
        return f"http://127.0.0.1:{self._server.server_port}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
