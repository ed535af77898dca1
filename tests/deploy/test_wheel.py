"""The wheel is the product: built, installed into a fresh venv and run outside the checkout.

Offline and fast: the wheel is built without build isolation (setuptools, wheel and Babel come from the
test venv), installed with --no-deps into a new venv, and the dependencies are the test venv's own
site-packages added as a plain path (their .pth files, the editable checkout among them, are not
processed). ``pip check`` then proves the wheel's declared dependencies are all satisfied.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from bench.deploy_unit import web_unit_environment

CHECKOUT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # setuptools reuses build/lib: a module deleted since the last build would otherwise ship again.
    shutil.rmtree(CHECKOUT / "build", ignore_errors=True)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", str(out), str(CHECKOUT)])
    (built,) = out.glob("wg_tracker-*.whl")
    return built


def test_the_wheel_carries_templates_static_migrations_and_compiled_catalogs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tracker/_data/templates/accounts/login.html" in names
    assert "tracker/_data/static/css/app.css" in names
    assert "tracker/_data/migrations/env.py" in names
    assert any(n.startswith("tracker/_data/migrations/versions/0001_") for n in names)
    assert "tracker/translations/ja/LC_MESSAGES/messages.mo" in names
    top_level = {n.split("/")[0] for n in names}
    assert "config.py" not in top_level and top_level <= {"tracker", "wg_tracker-0.1.0.dist-info"}


def test_installed_wheel_upgrades_loads_demo_and_serves_japanese_outside_the_checkout(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site_packages = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                         .stdout.strip())
    # pip of the test venv installs into the new venv's site-packages (the new venv has no pip: faster).
    _run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
          str(site_packages), str(wheel)])
    (site_packages / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    workdir = tmp_path / "srv"  # the admin's folder, far from the checkout
    workdir.mkdir()
    instance = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_INSTANCE_DIR=str(instance), TRACKER_ENV="development", PYTHONPATH="",
               TRACKER_SECRET_KEY="k" * 40)
    where = _run([str(python), "-c", "import tracker, sys; print(tracker.__file__); "
                  "import importlib.util; print(importlib.util.find_spec('config'))"], cwd=workdir, env=env).stdout
    assert where.splitlines()[0].startswith(str(site_packages)), where
    assert where.splitlines()[1] == "None", "a top-level config module leaked into the install"

    tracker_cli = [str(python), "-m", "tracker"]
    _run([*tracker_cli, "db", "upgrade"], cwd=workdir, env=env)
    assert (instance / "tracker.db").is_file(), "the database must land in TRACKER_INSTANCE_DIR"
    demo = _run([*tracker_cli, "demo"], cwd=workdir, env=env)
    assert "Demo data loaded" in demo.stdout
    _run([*tracker_cli, "db", "check"], cwd=workdir, env=env)
    # The commands this release added run from the install too.
    prune = _run([*tracker_cli, "audit", "prune", "--dry-run"], cwd=workdir, env=env)
    assert prune.stdout.strip(), "tracker audit prune says how many entries it would remove"
    ldap = subprocess.run([*tracker_cli, "ldap", "sync"], cwd=workdir, env=env, capture_output=True, text=True, timeout=60)
    assert ldap.returncode == 2 and "TRACKER_LDAP_URL is not set" in ldap.stderr, ldap.stderr

    port = _free_port()
    # Served as deploy/wg-tracker.service serves it (PYTHONOPTIMIZE=2: no docstrings, no asserts).
    server = subprocess.Popen(
        [str(python), "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "tracker:create_app()"],
        cwd=workdir, env={**env, **web_unit_environment()}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/login", headers={"Accept-Language": "ja"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    login_page = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server.kill()
                    pytest.fail(f"gunicorn did not serve /login:\n{server.communicate()[0]}")
                time.sleep(0.3)
        assert "ログイン" in login_page
        assert "/static/css/app.css" in login_page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/app.css", timeout=5) as response:
            assert response.status == 200
            assert "text/css" in response.headers["Content-Type"]
            assert len(response.read()) > 100
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not list(site_packages.glob("**/tracker.db")), "nothing may be written into site-packages"
    assert list((instance / "template-cache").iterdir()), "the worker keeps its compiled pages for the next ones"
