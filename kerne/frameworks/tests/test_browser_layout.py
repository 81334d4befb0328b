"""The framework pages' layout in Chromium: the BFU chain (six levels) fits a 1280 px screen, and the
framework pictures keep their text at least 12 px on a phone."""

from __future__ import annotations

import pytest

from kerne.frameworks.models import Node

pytestmark = pytest.mark.browser

SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('svg text')].map(
  t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""


def test_the_bfu_chain_table_is_not_clipped_at_1280(live_server, live_frameworks, page):
    bfu = "hjoerring-bfu-sammen-om-kerneopgaven"
    for node in Node.objects.filter(framework__slug=bfu, parent=None):
        page.goto(f"{live_server.url}/ledelsesgrundlag/{bfu}/omraade/{node.key}/")
        box = page.locator(".table-scroll").first
        assert page.locator("table.chain thead th").count() == 7  # the area and six levels
        scroll, client = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert scroll <= client, f"{node.key}: the table is {scroll} px wide in a {client} px box"


@pytest.mark.parametrize("width", [390, 1280])
def test_framework_pictures_keep_their_text_readable(live_server, live_frameworks, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    for slug in live_frameworks:
        page.goto(f"{live_server.url}/ledelsesgrundlag/{slug}/")
        if page.locator("svg text").count():
            assert page.evaluate(SMALLEST_TEXT) >= 11.95, slug
        assert page.evaluate("document.documentElement.scrollWidth") <= width, slug
