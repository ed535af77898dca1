"""A small client for a Redmine server's REST API (JSON), used by the importer.

It reads every page of a collection (``offset``/``limit``, following ``total_count``) and retries a
request that failed for a passing reason. Only the standard library is used so that the importer runs
wherever the tracker runs.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Iterator

PAGE_SIZE = 100


class RedmineError(RuntimeError):
    """The Redmine server answered with an error, or could not be reached."""


class RedmineClient:
    def __init__(self, url: str, key: str, *, timeout: float = 30, retries: int = 3, page_size: int = PAGE_SIZE):
        self.base = url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self.retries = retries
        self.page_size = page_size
        self.requests = 0

    def get(self, path: str, **params) -> dict:
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
        url = f"{self.base}{path}{'?' + query if query else ''}"
        request = urllib.request.Request(url, headers={"X-Redmine-API-Key": self.key, "Accept": "application/json"})
        for attempt in range(self.retries + 1):
            try:
                self.requests += 1
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8") or "{}")
            except urllib.error.HTTPError as error:
                if error.code in (401, 403):
                    raise RedmineError(f"{url}: HTTP {error.code} (is the API key right, and the REST API enabled?)") from None
                if error.code == 404 or attempt == self.retries or error.code < 500:
                    raise RedmineError(f"{url}: HTTP {error.code}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                if attempt == self.retries:
                    raise RedmineError(f"{url}: {getattr(error, 'reason', error)}") from None
            time.sleep(min(2**attempt * 0.5, 5))
        raise RedmineError(url)  # not reached

    def download(self, url: str, max_bytes: int) -> bytes | None:
        """The bytes at ``url`` (an attachment's content_url), or None when larger than ``max_bytes``."""
        if url.startswith("/"):
            url = self.base + url
        url = urllib.parse.quote(url, safe=":/?&=%#+")  # Redmine escapes file names; be safe if it did not
        request = urllib.request.Request(url, headers={"X-Redmine-API-Key": self.key})
        try:
            self.requests += 1
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = response.read(max_bytes + 1)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise RedmineError(f"{url}: {getattr(error, 'reason', error)}") from None
        return None if len(data) > max_bytes else data

    def get_optional(self, path: str, **params) -> dict | None:
        """Like ``get`` but None for a 403/404: some lists need admin rights or a module the project lacks."""
        try:
            return self.get(path, **params)
        except RedmineError as error:
            if "HTTP 404" in str(error) or "HTTP 403" in str(error):
                return None
            raise

    def paged(self, path: str, key: str, progress: Callable[[int, int], None] | None = None, **params) -> Iterator[dict]:
        """Every item of a paged collection, e.g. ``paged("/issues.json", "issues", status_id="*")``."""
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
