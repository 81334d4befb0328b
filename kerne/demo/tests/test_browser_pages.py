"""Every page a demo HR user, leader and employee can reach, at 390 and 1280 px, in headless Chromium:
axe-core finds no WCAG 2.1 A/AA violation, no page scrolls sideways, every page has one h1.

The pages are found as a person would find them: from the front page, following every link in
the page (the main menu, the lists, the reports), one page of each kind (URL pattern and query
parameters) per person. Downloads, log-out and the language switch are not pages.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test.utils import override_settings
from django.urls import Resolver404, resolve

from conftest import describe_violations
from kerne.demo.services import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, demo_create

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".zip", "/pdf/", "/csv/", "/xlsx/", "/eksport/", "/download", "/hent/")
# One page of each kind: enough to check each template with real data, and the suite stays fast.
PER_KIND = 1


@pytest.fixture
def demo(live_frameworks, django_capture_on_commit_callbacks):
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return demo_create(seed=2026)


def log_in(page, base, email):
    page.goto(base + "/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")


def kind_of(url: str) -> tuple[str, ...] | None:
    """The URL pattern and the names of its query parameters; None for what is not a page."""
    parts = urlsplit(url)
    if any(marker in parts.path for marker in NOT_PAGES) or parts.path.startswith(("/i18n/", "/static/")):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.url_name in {"logout", "oidc_login", "oidc_callback", "progress", "export", "personal-pdf"}:
        return None
    keys = sorted({key for key, _value in parse_qsl(parts.query) if key != "side"})
    return (match.route, *keys)


def extra_pages(who):
    """Pages one kind of which is not enough, or that no link leads to yet."""
    from kerne.frameworks.models import Framework, Node

    pages = [f"/ledelsesgrundlag/{slug}/" for slug in Framework.objects.values_list("slug", flat=True)]
    bfu = Node.objects.filter(framework__slug="hjoerring-bfu-sammen-om-kerneopgaven", parent=None).first()
    pages.append(f"/ledelsesgrundlag/hjoerring-bfu-sammen-om-kerneopgaven/omraade/{bfu.key}/")
    if who == "hr":
        pages += ["/ledelsesgrundlag/niveauer/", "/findes-ikke/"]
    return pages


def crawl(page, base, extra=(), on_page=None, refused=None):
    """(url, kind) of every page reachable by links from the front page, one per kind.

    Pages are loaded at the page's current width; `on_page(path, kind)` checks each while it is open.
    """
    seen: dict[tuple[str, ...], int] = {}
    queue = deque(["/", *extra])
    found = []
    visited: set[str] = set()
    while queue:
        path = queue.popleft()
        kind = kind_of(path)
        if path in visited or kind is None or (seen.get(kind, 0) >= PER_KIND and path not in extra):
            continue
        visited.add(path)
        response = page.goto(base + path)
        assert response is not None
        if response.status == 403 and refused is not None:
            refused.append(path)  # a link to a page the person may not open: reported, not checked
            continue
        assert response.status == (404 if path == "/findes-ikke/" else 200), f"{path}: {response.status}"
        seen[kind] = seen.get(kind, 0) + 1
        found.append((path, kind))
        if on_page is not None:
            on_page(path, kind)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            if not href or href.startswith(("#", "mailto:", "http://", "https://", "javascript:")):
                continue
            if not href.startswith("/"):
                href = urlsplit(page.url).path.rsplit("/", 1)[0] + "/" + href
            queue.append(href.split("#")[0])
    return found


TOO_WIDE = """() => {
  const limit = document.documentElement.clientWidth;
  const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
  const wide = [...document.querySelectorAll('main *, header *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.right > limit + 1 && !clipped(e)
      && ![...e.children].some(c => c.getBoundingClientRect().right > limit + 1);
  });
  return wide.slice(0, 4).map(e => e.tagName.toLowerCase() + ' «' + (e.textContent || '').trim().slice(0, 30)
    + '» ' + Math.round(e.getBoundingClientRect().right));
}"""


def too_wide(page):
    """The innermost elements that reach past the right edge (to say what to fix)."""
    return page.evaluate(TOO_WIDE)


def check_page(page, axe, path, width):
    """The open page: Danish, one h1, no sideways scrolling, chart text of 12 px, axe's violations."""
    assert page.locator("html").get_attribute("lang") == "da", path
    assert page.locator("main h1").count() == 1, path
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} at {width} px scrolls sideways by {overflow} px: {too_wide(page)}"
    small = page.evaluate(SMALL_TEXT)
    assert small == [], f"{path} at {width} px: chart text below 12 px: {small}"
    return axe(page)


# Text in SVG drawings as it appears on screen: the font size times the drawing's scale.
SMALL_TEXT = """() => [...document.querySelectorAll('svg text')].map(t => {
  const size = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
  return [t.textContent.trim().slice(0, 20), Math.round(size * 10) / 10];
}).filter(([text, size]) => text && size < 11.95).slice(0, 5)"""


def demo_logins(organisation):
    from kerne.accounts import policy
    from kerne.accounts.models import User

    users = list(User.objects.filter(organisation=organisation, is_org_admin=False).order_by("pk"))
    leader = next(u for u in users if policy.is_leader(u))
    employee = next(u for u in users if not policy.is_leader(u))
    return {"hr": DEMO_ADMIN_EMAIL, "leader": leader.email, "employee": employee.email}


def test_every_page_of_the_demo_passes_axe_at_both_widths(live_server, demo, browser, axe):
    """HR, a leader and an employee. The framework pages, the same for everyone but the menu, are
    checked once; every other page is checked for each person who can reach it."""
    base = live_server.url
    checked: set[tuple[str, ...]] = set()
    failures = []
    counts = {}

    def check(page, who, path, width):
        try:
            violations = check_page(page, axe, path, width)
        except AssertionError as error:
            failures.append(f"{who}: {error}")
            return
        if violations:
            failures.append(f"{who}: {path} at {width} px:\n{describe_violations(violations)}")

    for who, email in demo_logins(demo).items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
        page = context.new_page()
        page.set_default_timeout(15000)
        log_in(page, base, email)
        mine = []

        def at_1280(path, kind, page=page, who=who, mine=mine):
            if kind in checked:
                return
            if kind[0].startswith("ledelsesgrundlag/"):
                checked.add(kind)  # the same for everyone: once is enough
            mine.append(path)
            check(page, who, path, 1280)

        refused: list[str] = []
        crawl(page, base, extra_pages(who), on_page=at_1280, refused=refused)
        if refused:
            # Known: the results app lists cross-cutting goals an employee may not open (issue for
            # its owner). Printed so it is seen; the pages behind the links are not this test's.
            print(f"{who}: links to pages answering 403: {refused}")
        page.set_viewport_size({"width": 390, "height": 900})
        for path in mine:
            response = page.goto(base + path)
            assert response.status == (404 if path == "/findes-ikke/" else 200), path
            check(page, who, path, 390)
        counts[who] = len(mine)
        context.close()
    assert failures == [], "\n\n".join(failures)
    assert counts["hr"] >= 25, counts
    assert counts["leader"] >= 6, counts  # Min side, their unit, evaluations, reports, their own report …
    assert counts["employee"] >= 3, counts
