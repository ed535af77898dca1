"""JIS X 8341-3:2016 level AA (WCAG 2.0 AA) on the demo: for each demo role, every page reachable from the
navigation (top navigation, tabs, and the first link of each list) is checked with axe-core, and any critical or
serious violation fails the test with its rule, page and nodes.

axe-core is vendored under static/vendor and injected by this test only; pages never load it. Pages are deduplicated
by route (a second ticket page teaches nothing the first did not), so the crawl stays short.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit


from tests.browser.conftest import browser_login
from tracker.core.seeding import load_demo

AXE = next(Path(__file__).resolve().parents[2].glob("static/vendor/axe-core-*/axe.min.js"))
SHOTS = Path("/tmp/shots-visual")

# The demo's people, one per way of using the app.
ROLES = {
    "admin": "administrator",
    "izumi": "WG leader",
    "suzuki": "WG member",
    "dx": "DX office",
    "hr": "HR",
    "okada": "staff in no WG",
}
# Routes that answer with a file, a feed or a redirect rather than a page, and the way out.
SKIPPED_ENDPOINT_WORDS = ("export", "atom", "csv", "xlsx", "ics", "calendar", "download", "attachment", "feed",
                          "logout", "thumbnail", "api", "static", "print", "pdf", "json")
MAX_PAGES_PER_ROLE = 80

LINKS_SCRIPT = """() => {
  const links = new Set();
  const add = (a) => { if (a && a.href) links.add(a.href.split('#')[0]); };
  document.querySelectorAll('.mainnav a, .usernav a, .tabs a, nav a, .brand, main a.button, main h1 a').forEach(add);
  document.querySelectorAll('main table tbody, main ul, main ol, main .cards, main .portfolio').forEach(
    (list) => add(list.querySelector('a[href]')));
  return Array.from(links);
}"""

AXE_SCRIPT = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + '  ' + (n.failureSummary || '').split('\\n')[1]),
    count: v.nodes.length,
  }));
}"""


def _endpoint(app, url: str) -> str | None:
    parts = urlsplit(url)
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _arguments = adapter.match(parts.path, method="GET")
    except Exception:  # noqa: BLE001 - a redirect, a 404 or a POST-only route: not a page to check
        return None
    return endpoint


# What a role adds to a page is its controls (an edit form, buttons): a route already checked with the same number of
# controls is not checked again for the next role.
CONTROLS_SCRIPT = "() => document.querySelectorAll('main input, main select, main textarea, main button').length"


def _crawl(page, server, app, checked_shapes: set) -> dict[str, list]:
    """Visits the pages reachable from home and returns {url: [violations]} for those with any."""
    seen_endpoints: set[str] = set()
    queue = [f"{server.url}/"]
    found: dict[str, list] = {}
    while queue and len(seen_endpoints) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        if not url.startswith(server.url):
            continue
        endpoint = _endpoint(app, url)
        if endpoint is None or endpoint in seen_endpoints:
            continue
        if any(word in endpoint.lower() for word in SKIPPED_ENDPOINT_WORDS):
            continue
        seen_endpoints.add(endpoint)
        response = page.goto(url, wait_until="domcontentloaded")
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert response.status < 500, f"{url} answered {response.status}"
        if response.status >= 400:
            continue
        shape = (endpoint, page.evaluate(CONTROLS_SCRIPT))
        queue += [link for link in page.evaluate(LINKS_SCRIPT) if link not in queue]
        if shape in checked_shapes:
            continue
        checked_shapes.add(shape)
        print("axe:", endpoint, url)
        page.add_script_tag(url=f"{server.url}/static/vendor/{AXE.parent.name}/axe.min.js")
        violations = page.evaluate(AXE_SCRIPT)
        if violations:
            found[f"{url} ({endpoint})"] = violations
    return found


def test_every_page_of_the_demo_passes_axe_for_every_role(live_server, browser):
    with live_server.app.app_context():
        load_demo()
        password = live_server.app.config["DEMO_PASSWORD"]
    SHOTS.mkdir(exist_ok=True)
    report, checked_shapes = [], set()
    for login, role in ROLES.items():
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        browser_login(page, live_server, login, password)
        for url, violations in _crawl(page, live_server, live_server.app, checked_shapes).items():
            for v in violations:
                report.append(f"[{login}: {role}] {v['impact']} {v['id']} ({v['help']}) on {url}: {v['count']} node(s)\n"
                              + "\n".join(f"      {node}" for node in v["nodes"]))
        page.goto(f"{live_server.url}/")
        page.screenshot(path=str(SHOTS / f"a11y-home-{login}.png"))
        context.close()
    assert not report, "axe-core found critical or serious violations:\n" + "\n".join(report)


def test_skip_link_is_the_first_tab_stop_and_lands_on_the_content(live_server, page):
    with live_server.app.app_context():
        load_demo()
        password = live_server.app.config["DEMO_PASSWORD"]
    browser_login(page, live_server, "izumi", password)
    page.goto(f"{live_server.url}/projects")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), getComputedStyle(document.activeElement).top]")
    assert focused[0] == "本文へ移動"
    page.screenshot(path=str(SHOTS / "a11y-skip-link.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The next stop is inside the content, not the 20-odd navigation links.
    assert page.evaluate("() => !!document.activeElement.closest('main')")
