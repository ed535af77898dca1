"""Several workers: with TRACKER_RATELIMIT_STORAGE_URI=redis://... the rate-limit counters live in Redis.

Two separate processes (as two gunicorn workers) share one login limit through Redis. Runs in child
processes: the limiter object is shared by every app of a process, and the suite's apps must keep theirs.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]

ONE_WORKER = """
import sys
from tracker import create_app
app = create_app("test", SQLALCHEMY_DATABASE_URI=sys.argv[1], WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=True,
                 RATELIMIT_STORAGE_URI=sys.argv[2], LOGIN_RATE_LIMIT="3 per minute")
client = app.test_client()
codes = [client.post("/login", data={"login": "nobody", "password": "wrong-password-1"}).status_code
         for _ in range(int(sys.argv[3]))]
print(" ".join(map(str, codes)))
"""


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL)
    import redis

    connection = redis.Redis(port=port)
    for _ in range(100):
        try:
            connection.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", connection
    process.terminate()
    process.wait(timeout=10)


def _worker(database, storage, attempts):
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT)}
    result = subprocess.run([sys.executable, "-c", ONE_WORKER, database, storage, str(attempts)],
                            capture_output=True, text=True, env=env, timeout=120, cwd=CHECKOUT)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_two_workers_share_the_login_limit_through_redis(redis_url, app):
    url, connection = redis_url
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    assert "429" not in _worker(database, url, 2)
    assert connection.dbsize() > 0, "the counters are in Redis"
    second = _worker(database, url, 2)  # another process: it sees the first one's attempts
    assert second[-1] == "429", second
