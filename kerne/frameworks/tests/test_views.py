"""The framework browser pages: content, Danish text, fixed query counts, PDF."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kerne.frameworks.pictures import Area, circle, four_fields, seesaw
from kerne.frameworks.services import framework_import
from kerne.organisation.models import Organisation

pytestmark = pytest.mark.django_db

HOLSTEBRO = "holstebro-social-og-sundhed"
BFU = "hjoerring-bfu-sammen-om-kerneopgaven"


def test_list_shows_all_five_in_fixed_queries(client, seed_frameworks, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(reverse("frameworks:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<li class="card">') == 5
    assert "Ledelsesgrundlag for Social og Sundhed" in html
    assert "103 udsagn" in html
    assert "Ishøj Kommune" in html


def test_overview_shows_mission_values_picture_and_areas(client, seed_frameworks, django_assert_num_queries):
    with django_assert_num_queries(6):
        response = client.get(reverse("frameworks:overview", args=[BFU]))
    html = response.content.decode()
    assert "Sammen skaber vi udvikling, læring og trivsel for børn, unge og familier." in html
    assert '<ul class="values"><li>Tillid</li><li>Dialog</li><li>Arbejdsglæde</li></ul>' in html
    assert html.count("<path d=") == 4  # the circle's four quarters
    for name in ["Sammen sikrer vi driften", "Sammen styrker vi resultaterne", "Sammen skaber vi løsninger"]:
        assert name in html
    assert "Emergens" in html
    assert "Resiliens" in html


def test_overview_seesaw_for_hjoerring(client, seed_frameworks):
    html = client.get(reverse("frameworks:overview", args=["hjoerring-ledelse-af-kerneopgaven"])).content.decode()
    assert 'transform="rotate(0.00' in html
    assert "Vippebræt" not in html  # the picture's kind is not shown as text, the picture is
    assert "Ha’ styr på driften" in html


@pytest.mark.parametrize(("role", "count"), [("chef", 31), ("leder-af-medarbejdere", 31), ("alle", 7)])
def test_by_role_lists_the_levels_and_shared_statements(
    client, seed_frameworks, role, count, django_assert_num_queries
):
    with django_assert_num_queries(4):
        response = client.get(reverse("frameworks:role", args=[HOLSTEBRO, role]))
    html = response.content.decode()
    statements = html.split('<ul class="statements">')[1:]
    assert sum(block.split("</ul>")[0].count("<li") for block in statements) == count


def test_by_role_chef_shows_the_chef_statement_not_the_director(client, seed_frameworks):
    html = client.get(reverse("frameworks:role", args=[HOLSTEBRO, "chef"])).content.decode()
    assert "Har fagligt overblik over området og sikrer, at alle indsatser bidrager til kerneopgaven." in html
    assert "Etablerer en faglig retning i forvaltningen" not in html
    assert "Hvad forventes der af mig: Chef" in html


def test_unknown_role_or_framework_is_404(client, seed_frameworks):
    assert client.get(reverse("frameworks:role", args=[HOLSTEBRO, "borgmester"])).status_code == 404
    assert client.get(reverse("frameworks:overview", args=["findes-ikke"])).status_code == 404
    assert client.get(reverse("frameworks:chain", args=[HOLSTEBRO, "findes-ikke"])).status_code == 404


def test_chain_puts_levels_side_by_side(client, seed_frameworks, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get(reverse("frameworks:chain", args=[HOLSTEBRO, "driftsledelse"]))
    html = response.content.decode()
    header = html.split("<thead>")[1].split("</thead>")[0]
    assert [h.split(">")[-1] for h in header.split("</a>")[:-1]] == [
        "Leder af medarbejdere",
        "Leder af ledere",
        "Chef",
        "Direktør",
    ]
    assert html.split("<tbody>")[1].count("<tr>") == 3


def test_chain_for_bfu_perspective_starts_with_shared(client, seed_frameworks):
    html = client.get(reverse("frameworks:chain", args=[BFU, "sammen-sikrer-vi-driften"])).content.decode()
    header = html.split("<thead>")[1].split("</thead>")[0]
    assert header.index("Fælles") < header.index("Medarbejder") < header.index("Direktør")
    assert html.split("<tbody>")[1].count("<li>") == 23


@pytest.mark.parametrize("query", ["løsning", "loesning", "LØSNING", "losning"])
def test_search_forgives_ae_oe_aa(client, seed_frameworks, query, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("frameworks:search"), {"q": query})
    html = response.content.decode()
    if query == "losning":
        assert "0 udsagn fundet" in html
        return
    assert "<mark>løsning</mark>" in html or "<mark>Løsning</mark>" in html
    assert "udsagn fundet" in html
    assert "0 udsagn fundet" not in html


def test_search_every_word_must_match(client, seed_frameworks):
    from kerne.frameworks.selectors import statement_search

    hits = statement_search(None, "trivsel kontanthjælp")
    assert hits == []
    hits = statement_search(None, "trivslen arbejdsmiljø")
    assert {h.framework.slug for h in hits} == {BFU}
    assert len(hits) == 3  # leder af medarbejder, chef, direktør


def test_search_escapes_html(client, seed_frameworks):
    html = client.get(reverse("frameworks:search"), {"q": "<script>"}).content.decode()
    assert "<script>" not in html.split("<main")[1]


def test_compare_lines_up_the_four_perspectives(client, seed_frameworks, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get(reverse("frameworks:compare"))
    html = response.content.decode()
    body = html.split("<tbody>")[1]
    assert body.count("<tr>") == 4
    compliance_row = body.split("</tr>")[0]
    assert "Vi sikrer en stabil og velfunderet drift" in compliance_row
    assert "Sammen sikrer vi driften" in compliance_row
    assert "Styr på tingene" in compliance_row


def test_role_pdf_is_a_real_readable_pdf(client, seed_frameworks):
    response = client.get(reverse("frameworks:role-pdf", args=[HOLSTEBRO, "chef"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{HOLSTEBRO}-chef.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert 2 <= len(reader.pages) <= 6
    assert "Hvad forventes der af mig: Chef" in text
    assert "Driftsledelse" in text
    assert "Samskabende ledelse" in text


def test_a_tenants_own_framework_is_hidden_from_others(client, seed_specs):
    from kerne.frameworks.loader import load_framework_file
    from kerne.frameworks.tests.test_loader import FJORDBY

    fjordby = Organisation.objects.create(name="Fjordby Kommune", slug="fjordby")
    framework_import(spec=load_framework_file(FJORDBY), actor="test", organisation=fjordby)
    url = reverse("frameworks:overview", args=["fjordby-ledelse-med-retning"])
    assert client.get(url).status_code == 404
    from kerne.accounts.models import User

    outsider = User.objects.create_user(
        "a@andenby.dk", "x", organisation=Organisation.objects.create(name="Andenby", slug="a")
    )
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    insider = User.objects.create_user("b@fjordby.dk", "x", organisation=fjordby)
    client.force_login(insider)
    html = client.get(url).content.decode()
    assert "Ledelse med retning" in html
    assert "<li>ved onboarding af nye ledere</li>" in html


@pytest.mark.parametrize("draw", [four_fields, circle])
def test_pictures_are_valid_svg_with_a_title(draw):
    svg = draw([Area("Styr på & drift", "compliance"), Area("B", "performance")], title="Figur <1>", centre="C")
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.attrib["role"] == "img"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "Figur <1>"
    assert "Styr på &amp;" in svg


def test_seesaw_tilt_is_clamped():
    assert "rotate(12.00" in seesaw([Area("A")], title="t", tilt=40)
    assert "rotate(-3.50" in seesaw([Area("A")], title="t", tilt=-3.5)
