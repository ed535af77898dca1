"""A worker imports only what serving requests needs (issue 18 point 5): the app made as gunicorn makes it, and one
page served, leave Alembic (with Mako and Pygments' plugin chain), the holiday tables, the 和暦 tables and the export
libraries unimported, in a process of its own so nothing else of the test run has imported them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LAZY = ["flask_migrate", "alembic", "mako", "holidays", "japanera", "openpyxl", "feedgen", "icalendar", "PIL",
        "pypdfium2", "lxml", "segno"]

SCRIPT = """
import json, sys
from tracker import create_app
app = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://")
with app.test_client() as client:
    status = client.get("/login").status_code
print(json.dumps({"status": status, "modules": sorted(m for m in sys.modules if m.split(".")[0] in %r)}))
"""


def test_making_the_app_and_serving_a_page_imports_no_heavy_module():
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SCRIPT % (LAZY,)], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["status"] == 200
    assert found["modules"] == []
