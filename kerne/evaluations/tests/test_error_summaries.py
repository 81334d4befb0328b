"""Issue 14 §1: after a refused form, HR's pages too name each problem with a link to its field, and the
summary takes the focus (data-focus-on-load, focused by kerne.js on every page)."""

from __future__ import annotations

import re

import pytest

from kerne.evaluations.models import Round
from kerne.evaluations.tests.builders import build_org, holstebro
from kerne.evaluations.tests.test_views_flow import round_post

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r'<div class="error-summary" role="alert" tabindex="-1" id="error-summary" data-focus-on-load>(.*?)</div>', re.S
)


def summary_items(html: str) -> list[str]:
    match = SUMMARY.search(html)
    assert match is not None, "no focusable error summary"
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def test_every_page_loads_the_script_that_focuses_the_summary(client):
    html = client.get("/").content.decode()
    assert '<script src="/static/kerne/kerne.js" defer></script>' in html


def test_the_new_round_form_names_each_field_and_links_to_it(client):
    org = build_org()
    framework = holstebro()
    client.force_login(org.hr)
    response = client.post(
        "/evaluering/runder/ny/", round_post(framework.pk, name=" ", min_peers="2", retention_days="9999")
    )
    assert response.status_code == 400
    assert summary_items(response.content.decode()) == [
        '<a href="#id_name">Rundens navn: Giv runden et navn.</a>',
        '<a href="#id_min_peers">Lederkolleger: Der skal mindst være 3 svar, før en gruppe vises.</a>',
        '<a href="#id_retention_days">Dage, de rå svar gemmes efter lukning: Rå svar kan højst gemmes i ti år.</a>',
    ]
    assert Round.objects.count() == 0


def test_the_import_upload_names_the_missing_file(client):
    org = build_org()
    client.force_login(org.hr)
    response = client.post("/organisation/import/", {"encoding": "", "delimiter": ""})
    html = response.content.decode()
    assert "<h2>Filen er ikke uploadet</h2>" in html
    assert summary_items(html) == ['<a href="#id_file">HR-fil (CSV): Dette felt er påkrævet.</a>']


def test_the_role_level_page_names_each_bad_level(client):
    org = build_org()
    framework = holstebro()
    client.force_login(org.hr)
    chef = org.organisation.role_levels.get(key="chef")
    response = client.post("/ledelsesgrundlag/niveauer/", {"ramme": framework.slug, f"level-{chef.pk}": "x"})
    assert response.status_code == 400
    assert summary_items(response.content.decode()) == [
        f'<a href="#level-{chef.pk}">Chef: vælg et af niveauerne på listen.</a>'
    ]
