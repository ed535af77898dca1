"""A local HTTP server that answers like Redmine 5.0.4 for a server of any size, generating each response when
it is asked for (nothing is held per issue): the shapes are those of the real responses in
/work/shared/fixtures/redmine-5.0.4/ (tests/fixtures/redmine-5.0.4/).

Issue ``n`` belongs to project ``(n - 1) // per_project + 1``; it has ``journals_per_issue`` journals (a status
change with a note, then notes), one watcher, a list custom field; every 10th issue is the child of the one
before; every 7th relates to the one three before it; every ``attachment_every``-th has a small attachment
with its SHA-256 digest. Used by bench/redmine_import_bench.py (in a subprocess) and by the importer's tests
(in a thread), which can also make an attachment's first downloads corrupt, to check the digest retries.
"""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

API_KEY = "synthetic-redmine-key"
STAMP = "2026-11-22T18:30:59Z"
STATUSES = [{"id": 1, "name": "New", "is_closed": False}, {"id": 2, "name": "In Progress", "is_closed": False},
            {"id": 3, "name": "Resolved", "is_closed": False}, {"id": 5, "name": "Closed", "is_closed": True}]
TRACKERS = [{"id": 1, "name": "Bug", "default_status": {"id": 1, "name": "New"}, "description": None},
            {"id": 2, "name": "Feature", "default_status": {"id": 1, "name": "New"}, "description": None}]
PRIORITIES = [{"id": 1, "name": "Low", "is_default": False, "active": True},
              {"id": 2, "name": "Normal", "is_default": True, "active": True},
              {"id": 3, "name": "High", "is_default": False, "active": True}]
ROLES = [{"id": 3, "name": "Manager"}, {"id": 4, "name": "Developer"}, {"id": 5, "name": "Reporter"}]
SECTIONS = ["市民課", "情報政策課", "財政課"]
WORDS = ["出張申請", "交付通知", "窓口", "電子申請", "マイナンバーカード", "業務フロー", "オンライン化", "定例会", "庁内周知"]


class SyntheticRedmine:
    def __init__(self, issues: int = 1000, journals_per_issue: int = 2, projects: int = 4, users: int = 30,
                 attachment_every: int = 1000):
        self.issue_count, self.journals_per_issue = issues, journals_per_issue
        self.project_count, self.user_count = projects, users
        self.per_project = max(1, -(-issues // projects))
        self.attachment_every = attachment_every
        self.corrupt_downloads: dict[int, int] = {}  # attachment id -> how many first downloads are corrupt
        self.downloads: dict[int, int] = {}
        self.requests = 0
        self.url = ""
        self._server: ThreadingHTTPServer | None = None

    # -- the data, from ids ----------------------------------------------------------------------------

    def project(self, pid: int) -> dict:
        return {"id": pid, "name": f"ワーキンググループ{pid}", "identifier": f"wg-{pid}", "description": "合成データ",
                "homepage": "", "status": 1, "is_public": True, "inherit_members": False,
                "created_on": STAMP, "updated_on": STAMP}

    def project_of(self, issue_id: int) -> int:
        return (issue_id - 1) // self.per_project + 1

    def user_ref(self, n: int) -> dict:
        uid = 5 + n % self.user_count
        return {"id": uid, "name": f"太郎{uid} 職員"}

    def listed_issue(self, n: int) -> dict:
        pid = self.project_of(n)
        status = STATUSES[n % len(STATUSES)]
        issue = {
            "id": n, "project": {"id": pid, "name": f"ワーキンググループ{pid}"},
            "tracker": {"id": 1 + n % 2, "name": TRACKERS[n % 2]["name"]},
            "status": dict(status), "priority": {"id": 2, "name": "Normal"},
            "author": self.user_ref(n), "assigned_to": self.user_ref(n + 1),
            "subject": f"{WORDS[n % len(WORDS)]}の検討 {n}", "description": f"{WORDS[(n + 3) % len(WORDS)]}について整理する。\r\n- 番号 {n}",
            "start_date": "2026-04-01", "due_date": "2027-03-31", "done_ratio": (n * 10) % 100, "is_private": False,
            "estimated_hours": 2.5, "total_estimated_hours": 2.5, "spent_hours": 0.0, "total_spent_hours": 0.0,
            "custom_fields": [{"id": 1, "name": "担当課", "value": SECTIONS[n % len(SECTIONS)]}],
            "created_on": STAMP, "updated_on": STAMP, "closed_on": STAMP if status["is_closed"] else None,
        }
        if n % 10 == 0 and self.project_of(n - 1) == pid:
            issue["parent"] = {"id": n - 1}
        return issue

    def full_issue(self, n: int) -> dict:
        issue = self.listed_issue(n)
        journals = []
        for k in range(self.journals_per_issue):
            jid = (n - 1) * self.journals_per_issue + k + 1
            details = [{"property": "attr", "name": "status_id", "old_value": "1", "new_value": "2"}] if k == 0 else []
            journals.append({"id": jid, "user": self.user_ref(n + k), "notes": f"{WORDS[(n + k) % len(WORDS)]}を確認しました（{k + 1}回目）",
                             "created_on": STAMP, "private_notes": False, "details": details})
        relations = []
        if n % 7 == 0 and n > 3:
            relations.append({"id": n, "issue_id": n, "issue_to_id": n - 3, "relation_type": "relates", "delay": None})
        if (n + 3) % 7 == 0 and n + 3 <= self.issue_count:
            relations.append({"id": n + 3, "issue_id": n + 3, "issue_to_id": n, "relation_type": "relates", "delay": None})
        children = []
        if (n + 1) % 10 == 0 and n + 1 <= self.issue_count and self.project_of(n + 1) == self.project_of(n):
            children.append({"id": n + 1, "tracker": {"id": 1, "name": "Bug"}, "subject": f"子 {n + 1}"})
        attachments = []
        if self.attachment_every and n % self.attachment_every == 0:
            data = self.attachment_bytes(n)
            attachments.append({
                "id": n, "filename": f"資料{n}.txt", "filesize": len(data), "content_type": "text/plain",
                "description": "", "content_url": f"{self.url}/attachments/download/{n}/file{n}.txt",
                "digest": hashlib.sha256(data).hexdigest(), "author": self.user_ref(n), "created_on": STAMP,
            })
        issue.update(journals=journals, relations=relations, children=children, attachments=attachments,
                     watchers=[self.user_ref(n + 2)], changesets=[])
        return issue

    @staticmethod
    def attachment_bytes(n: int) -> bytes:
        return f"添付ファイル {n}\n".encode() * 20

    def issue_ids(self, pid: int, least: int, offset: int, limit: int) -> tuple[list[int], int]:
        first = (pid - 1) * self.per_project + 1
        last = min(pid * self.per_project, self.issue_count)
        start = max(first, least)
        total = max(0, last - start + 1)
        begin = start + offset
        return list(range(begin, min(begin + limit, last + 1))), total

    def users(self) -> list[dict]:
        return [{"id": 5 + n, "login": f"user{5 + n}", "admin": False, "firstname": f"太郎{5 + n}", "lastname": "職員",
                 "mail": f"user{5 + n}@city.example.jp", "created_on": STAMP, "last_login_on": None}
                for n in range(self.user_count)]

    # -- answers ---------------------------------------------------------------------------------------

    def answer(self, path: str, query: dict) -> tuple[int, object]:
        one = {k: v[0] for k, v in query.items()}
        offset, limit = int(one.get("offset", 0)), min(int(one.get("limit", 25)), 100)

        def page(items, key):
            return {key: items[offset : offset + limit], "total_count": len(items), "offset": offset, "limit": limit}

        if path == "/users.json":
            return 200, page(self.users(), "users")
        if path == "/issue_statuses.json":
            return 200, {"issue_statuses": STATUSES}
        if path == "/trackers.json":
            return 200, {"trackers": TRACKERS}
        if path == "/enumerations/issue_priorities.json":
            return 200, {"issue_priorities": PRIORITIES}
        if path == "/enumerations/time_entry_activities.json":
            return 200, {"time_entry_activities": [{"id": 8, "name": "Design", "is_default": True, "active": True}]}
        if path == "/roles.json":
            return 200, {"roles": ROLES}
        if path == "/custom_fields.json":
            return 200, {"custom_fields": [{
                "id": 1, "name": "担当課", "customized_type": "issue", "field_format": "list", "regexp": "",
                "is_required": False, "is_filter": True, "searchable": True, "multiple": False, "default_value": "",
                "visible": True, "possible_values": [{"value": s, "label": s} for s in SECTIONS],
                "trackers": [{"id": t["id"], "name": t["name"]} for t in TRACKERS], "roles": []}]}
        if path == "/projects.json":
            return 200, page([self.project(p) for p in range(1, self.project_count + 1)], "projects")
        parts = path.strip("/").split("/")
        if parts[0] == "projects" and len(parts) >= 2:
            pid = int(parts[1].removeprefix("wg-").removesuffix(".json"))
            if len(parts) == 2:
                project = self.project(pid)
                if "issue_custom_fields" in one.get("include", ""):
                    project["issue_custom_fields"] = [{"id": 1, "name": "担当課"}] if pid % 2 == 1 else []
                return 200, {"project": project}
            if parts[2] == "memberships.json":
                members = [{"id": pid * 1000 + n, "project": {"id": pid, "name": f"ワーキンググループ{pid}"},
                            "user": {"id": 5 + n, "name": f"太郎{5 + n} 職員"}, "roles": [ROLES[n % 3]]}
                           for n in range(self.user_count)]
                return 200, page(members, "memberships")
            if parts[2] in ("versions.json", "issue_categories.json"):
                key = parts[2].removesuffix(".json")
                return 200, {key: [], "total_count": 0}
            if parts[2] == "time_entries.json":
                return 200, page([], "time_entries")
        if path == "/issues.json":
            pid = int(one.get("project_id", 1))
            least = int(one.get("v[issue_id][]", 1)) if one.get("op[issue_id]") == ">=" else 1
            ids, total = self.issue_ids(pid, least, offset, limit)
            return 200, {"issues": [self.listed_issue(n) for n in ids], "total_count": total, "offset": offset, "limit": limit}
        if parts[0] == "issues" and len(parts) == 2:
            n = int(parts[1].removesuffix(".json"))
            if not 1 <= n <= self.issue_count:
                return 404, None
            return 200, {"issue": self.full_issue(n)}
        return 404, None

    def download(self, attachment_id: int) -> bytes:
        self.downloads[attachment_id] = self.downloads.get(attachment_id, 0) + 1
        data = self.attachment_bytes(attachment_id)
        if self.corrupt_downloads.get(attachment_id, 0) >= self.downloads[attachment_id]:
            return data[:-5] + b"XXXXX"  # same size, other bytes: only the digest tells
        return data

    # -- serving ---------------------------------------------------------------------------------------

    def make_server(self, port: int = 0) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Redmine behind a web server
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

            def do_GET(self):  # noqa: N802 (http.server's naming)
                fake.requests += 1
                parts = urlsplit(self.path)
                if self.headers.get("X-Redmine-API-Key") != API_KEY:
                    return self._send(401, b"", "text/plain")
                if parts.path.startswith("/attachments/download/"):
                    return self._send(200, fake.download(int(parts.path.split("/")[3])), "application/octet-stream")
                status, body = fake.answer(parts.path, parse_qs(parts.query))
                self._send(status, json.dumps(body or {}, ensure_ascii=False).encode(), "application/json; charset=utf-8")

            def _send(self, status: int, payload: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        return server

    def start(self) -> str:
        """Serve on a thread of this process (for tests)."""
        self._server = self.make_server()
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def serve_forever(port: int, ready, **sizes) -> None:
    """Serve in a process of its own (the benchmark), so that generating answers does not slow the importer."""
    fake = SyntheticRedmine(**sizes)
    server = fake.make_server(port)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    ready.put(server.server_port)
    server.serve_forever()
