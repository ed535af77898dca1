"""Screenshots of the main screens for the README, made from the demo so that they stay current.

    .venv/bin/python bench/screenshots.py [OUT_DIR]

Migrates a fresh SQLite database in a temporary folder, loads the demo (``tracker demo``), serves the app on a
free local port, signs in as the demo user who uses each screen and saves a 1280×800 PNG of it (390×844, a phone,
for a name ending in ``-phone``) with Chromium
(``TRACKER_CHROMIUM``, default /usr/bin/chromium; Playwright for Python drives it) into OUT_DIR (default
docs/screenshots). Prints each file with its size.
"""
from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}  # for the screens whose name ends in "-phone"
# Screens whose subject starts below the first screen (the list under the filters): this much of the page.
TALL = {"02-ticket-list": 1150, "12-ticket-list-phone": 1500}
WG = "mynumber-card"


def screens(ids: dict) -> list[tuple[str, str, str, str]]:
    """(file name, demo login, path, what it shows), in the README's order."""
    return [
        ("01-wg-home", "izumi", f"/projects/{WG}", "WG home: phase, next gate, tickets, next meeting, KPIs"),
        ("02-ticket-list", "izumi", f"/projects/{WG}/issues", "ticket list of a WG"),
        ("03-ticket", "izumi", f"/issues/{ids['ticket']}", "a ticket with its journal"),
        ("04-charter", "honma", f"/projects/{WG}/charter", "charter (重要事項) and gate decision"),
        ("05-kpi", "dx", f"/kpis/{ids['kpi']}", "a KPI chart against its target line"),
        ("06-portfolio", "dx", "/portfolio", "the DX office's portfolio of every WG"),
        ("07-quarterly", "dx", "/quarterly", "quarterly targets and actuals (Gunma's grid)"),
        ("08-risks", "izumi", f"/projects/{WG}/risks", "risk matrix and register"),
        ("09-ideas", "suzuki", "/ideas", "idea box: vote from the list"),
        ("10-talent", "yachida", f"/talent/requests/{ids['help_request']}#candidates", "a help request (応援依頼) with its candidates"),
        ("11-admin", "admin", "/admin", "administration home"),
        ("12-ticket-list-phone", "izumi", f"/projects/{WG}/issues", "the ticket list on a phone (390 px): cards"),
    ]


def build_demo(instance: Path):
    app = create_app("development", SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'demo.db'}",
                     UPLOAD_DIR=str(instance / "uploads"), SECRET_KEY="screenshots-" + "x" * 32,
                     RATELIMIT_ENABLED=False, DEBUG=False,
                     TWO_FACTOR_REQUIRED_ROLES=())  # the screens, not the second-factor enrolment
    logging.getLogger("tracker.requests").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        from tracker.core.seeding import load_demo
        from tracker.kpi.models import Kpi
        from tracker.talent.models import HelpRequest
        from tracker.tickets.models import Ticket
        from tracker.wg.models import WorkingGroup

        upgrade()
        load_demo()
        db.session.commit()
        wg_id = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.identifier == WG))
        ids = {
            "ticket": db.session.scalar(select(Ticket.id).where(Ticket.wg_id == wg_id).order_by(Ticket.id).limit(1)),
            "kpi": db.session.scalar(select(Kpi.id).order_by(Kpi.number, Kpi.id).limit(1)),
            "help_request": db.session.scalar(select(HelpRequest.id).order_by(HelpRequest.id).limit(1)),
        }
        db.session.remove()
    return app, ids


def main(out_dir: str = "docs/screenshots") -> None:
    from playwright.sync_api import sync_playwright

    out = (ROOT / out_dir) if not os.path.isabs(out_dir) else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app, ids = build_demo(Path(tmp))
        password = app.config["DEMO_PASSWORD"]
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
                contexts = {}
                for name, login, path, _what in screens(ids):
                    phone = name.endswith("-phone")
                    if (login, phone) not in contexts:
                        context = browser.new_context(locale="ja-JP", viewport=PHONE if phone else VIEWPORT,
                                                      is_mobile=phone, has_touch=phone)
                        page = context.new_page()
                        page.goto(f"{url}/login")
                        page.fill("input[name=login]", login)
                        page.fill("input[name=password]", password)
                        with page.expect_navigation():
                            page.click("button[type=submit]")
                        contexts[login, phone] = page
                    page = contexts[login, phone]
                    page.goto(f"{url}{path}")
                    page.wait_for_load_state("networkidle")
                    target = out / f"{name}.png"
                    if name in TALL:
                        size = PHONE if phone else VIEWPORT
                        page.screenshot(path=str(target), full_page=True,
                                        clip={"x": 0, "y": 0, "width": size["width"], "height": TALL[name]})
                    else:
                        page.screenshot(path=str(target))
                    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  "
                          f"{target.stat().st_size // 1024} KB  {login:<7} {path}")
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:2])
