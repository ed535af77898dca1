"""A client for a Redmine server's REST API (JSON), used by the importer.

requests with urllib3's ``Retry`` retries what failed for a passing reason (connection errors, 429 and 5xx,
with backoff) on one pooled keep-alive session, which the importer shares between its reading threads.
Collections are read page by page (``offset``/``limit``, following ``total_count``); issues are read in id
order by key (``issue_id >= N``) so that a long import neither skips nor repeats issues created or deleted
meanwhile, and so that a resumed import starts right after the last one it saved. Attachments are checked
against Redmine's ``digest`` and fetched again when they do not match.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Iterator

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

PAGE_SIZE = 100


class RedmineError(RuntimeError):
    """The Redmine server answered with an error, or could not be reached."""


class RedmineClient:
    def __init__(self, url: str, key: str, *, timeout: float = 30, retries: int = 3, page_size: int = PAGE_SIZE,
                 pool_size: int = 8, backoff: float = 0.5):
        self.base = url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self.retries = retries
        self.page_size = page_size
        self.requests = 0
        self.session = requests.Session()
        self.session.headers.update({"X-Redmine-API-Key": key, "Accept": "application/json"})
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, backoff_factor=backoff,
                      backoff_max=10, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=("GET",),
                      raise_on_status=False, respect_retry_after_header=True)
        adapter = HTTPAdapter(max_retries=retry, pool_connections=pool_size, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _get(self, url: str, params: dict | None = None, stream: bool = False) -> requests.Response:
        self.requests += 1
        try:
            response = self.session.get(url, params=params, timeout=self.timeout, stream=stream)
        except requests.RequestException as error:
            raise RedmineError(f"{url}: {error.__class__.__name__}: {error}") from None
        if response.status_code in (401, 403):
            raise RedmineError(f"{response.url}: HTTP {response.status_code} "
                               "(is the API key right, and the REST API enabled?)")
        if response.status_code >= 400:
            raise RedmineError(f"{response.url}: HTTP {response.status_code}")
        return response

    def get(self, path: str, **params) -> dict:
        response = self._get(f"{self.base}{path}", {k: v for k, v in params.items() if v is not None})
        try:
            return response.json() if response.content else {}
        except ValueError:
            raise RedmineError(f"{response.url}: the answer is not JSON") from None

    def get_optional(self, path: str, **params) -> dict | None:
        """Like ``get`` but None for a 403/404: some lists need admin rights or a module the project lacks."""
        try:
            return self.get(path, **params)
        except RedmineError as error:
            if "HTTP 404" in str(error) or "HTTP 403" in str(error):
                return None
            raise

    def paged(self, path: str, key: str, progress: Callable[[int, int], None] | None = None, **params) -> Iterator[dict]:
        """Every item of a paged collection, e.g. ``paged("/users.json", "users", status="")``."""
        offset = 0
        while True:
            page = self.get(path, offset=offset, limit=self.page_size, **params)
            items = page.get(key, [])
            yield from items
            total = page.get("total_count", len(items))
            offset += len(items)
            if progress:
                progress(min(offset, total), total)
            if not items or offset >= total:
                return

    def issue_count(self, project_id: int) -> int:
        page = self.get("/issues.json", project_id=project_id, subproject_id="!*", status_id="*", limit=1)
        return int(page.get("total_count", 0))

    def issue_pages(self, project_id: int, after_id: int = 0) -> Iterator[list[dict]]:
        """The project's issues (all statuses, not its subprojects') with an id above ``after_id``, a page at a
        time in id order. Redmine's filter syntax (``f[]``/``op``/``v``) says ``issue_id >= N``; with it
        the short forms (``status_id=*``) are ignored, so the status and subproject filters are given the same way."""
        while True:
            params = {
                "project_id": project_id, "sort": "id", "offset": 0, "limit": self.page_size,
                "f[]": ["status_id", "subproject_id", "issue_id"],
                "op[status_id]": "*", "op[subproject_id]": "!*", "op[issue_id]": ">=", "v[issue_id][]": after_id + 1,
            }
            items = self.get("/issues.json", **params).get("issues", [])
            items = [i for i in items if int(i["id"]) > after_id]  # a server that ignores the filter must not loop
            if not items:
                return
            yield items
            after_id = max(int(i["id"]) for i in items)
            if len(items) < self.page_size:
                return

    def download(self, url: str, max_bytes: int, digest: str | None = None, attempts: int = 3) -> bytes | None:
        """The bytes at ``url`` (an attachment's content_url), or None when larger than ``max_bytes``. With
        Redmine's ``digest`` (SHA-256 since Redmine 4, MD5 before) the bytes are checked and fetched again
        when they do not match (a truncated or corrupted transfer); RedmineError after ``attempts``."""
        if url.startswith("/"):
            url = self.base + url
        for attempt in range(1, attempts + 1):
            response = self._get(url, stream=True)
            data = bytearray()
            try:
                for chunk in response.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        return None
            except requests.RequestException as error:
                if attempt == attempts:
                    raise RedmineError(f"{url}: {error}") from None
                continue
            finally:
                response.close()
            if not digest or _digest_of(bytes(data), digest) == digest.lower():
                return bytes(data)
        raise RedmineError(f"{url}: the file's checksum did not match Redmine's after {attempts} attempts")


def _digest_of(data: bytes, expected: str) -> str:
    algorithm = {32: "md5", 40: "sha1", 64: "sha256"}.get(len(expected), "sha256")
    return hashlib.new(algorithm, data).hexdigest()
