"""The column step of the HR import in the browser: guessed, chosen, checked, remembered; other systems'
exports (split names in Windows-1252, commas, broken files) import through it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import describe_violations
from kerne.organisation.models import OrgImport, Person
from kerne.organisation.tests import other_exports as files

LIST = "/organisation/import/"


def upload(client, data, name="løn.csv", **extra):
    response = client.post(LIST, {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **extra})
    return response, OrgImport.objects.latest("pk")


def column_post(choice):
    post = {f"col-{name}": header for name, header in choice.items() if name != "name"}
    for n, part in enumerate(choice["name"].split("+"), start=1):
        post[f"col-name-{n}"] = part
    return post


@pytest.mark.django_db
def test_split_names_in_windows_1252_import_through_the_column_step(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    response, org_import = upload(client, files.split_names_cp1252())
    columns_url = reverse("org_import:columns", args=[org_import.pk])
    assert response["Location"] == columns_url
    html = client.get(columns_url).content.decode()
    assert "<h1>Kolonner i løn.csv</h1>" in html
    assert "Læst som CP1252 med 10 kolonner." in html
    # Pre-filled from the headers: the name from two columns, a near spelling, and what is left open.
    assert '<select name="col-name-1" id="col-name-1" aria-describedby="help-name">' in html
    assert '<option value="Fornavn" selected>Fornavn</option>' in html
    assert '<option value="Efternavn" selected>Efternavn</option>' in html
    assert '<option value="Stilling niveau" selected>Stilling niveau</option>' in html
    assert '<option value="Afd.nr." selected>' not in html
    assert "<td>Søren Ærø Kjær</td>" in html  # the first lines as read

    # Saving the guess as it is: three required fields have no column; nothing is saved.
    guess = dict(org_import.columns)
    response = client.post(columns_url, column_post(guess))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Valget kan ikke bruges (3 problemer)" in html
    assert "Vælg den kolonne, der indeholder &#x27;Enhedskode&#x27;; Kerne skal bruge den." in html
    org_import.refresh_from_db()
    assert not org_import.columns_confirmed
    assert org_import.columns == guess

    # A column that is not in the file (a tampered form) is refused too.
    response = client.post(columns_url, column_post({**files.SPLIT_CHOICE, "email": "Privatmail"}))
    assert "&#x27;E-mail&#x27;: filen har ingen kolonne &#x27;Privatmail&#x27;." in response.content.decode()

    response = client.post(columns_url, column_post(files.SPLIT_CHOICE))
    assert response["Location"] == reverse("org_import:detail", args=[org_import.pk])
    html = client.get(response["Location"]).content.decode()
    assert "<li>Navn: Fornavn + Efternavn</li>" in html
    assert "<li>Orlov: –</li>" in html
    assert '<th scope="row">Bjørn Lærkegård Hansen</th>' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("org_import:apply", args=[org_import.pk]))
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.APPLIED
    names = set(Person.objects.filter(organisation=world.aby, active=True).values_list("name", flat=True))
    assert names == {
        "Søren Ærø Kjær",
        "Åse Østergård",
        "Bjørn Lærkegård Hansen",
        "Mette Frølund",
        "Jens Peter Møller",
        "Ærtebjørg Sø",
    }

    # Next month's file in the same layout: the columns are remembered, straight to the preview.
    response, second = upload(client, files.split_names_cp1252(), name="løn-januar.csv")
    assert response["Location"] == reverse("org_import:detail", args=[second.pk])
    assert second.columns == files.SPLIT_CHOICE
    assert second.columns_confirmed
    assert "Ret kolonnerne" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_comma_export_after_a_remembered_layout_asks_again(client, world):
    client.force_login(world.admin)
    _response, first = upload(client, files.split_names_cp1252())
    client.post(reverse("org_import:columns", args=[first.pk]), column_post(files.SPLIT_CHOICE))
    response, second = upload(client, files.comma_export(), name="export.csv")
    assert response["Location"] == reverse("org_import:columns", args=[second.pk])  # other headers: ask again
    assert second.columns["name"] == ""  # English headers are not guessed
    response = client.post(response["Location"], column_post(files.COMMA_CHOICE))
    html = client.get(response["Location"]).content.decode()
    assert '<th scope="row">Karen Holm, fhv. Dahl</th>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (files.broken_ragged(), "linje 4: linjen har 9 felter, men overskriftslinjen har 10."),
        (files.broken_mixed_encoding(), "linje 1: filen blander to tegnsæt"),
        (files.broken_separators(), "linjen er adskilt med komma, overskriftslinjen med semikolon"),
    ],
    ids=["ragged", "two-encodings", "separators"],
)
def test_broken_exports_are_explained_and_cannot_be_applied(client, world, data, expected):
    client.force_login(world.admin)
    before = list(Person.objects.values_list("pk", "name", "active"))
    _response, org_import = upload(client, data)
    if org_import.columns:
        client.post(reverse("org_import:columns", args=[org_import.pk]), column_post(files.SPLIT_CHOICE))
    html = client.get(reverse("org_import:detail", args=[org_import.pk])).content.decode()
    assert expected in html.replace("&#x27;", "'")
    assert "Gennemfør importen" not in html
    client.post(reverse("org_import:apply", args=[org_import.pk]))
    assert list(Person.objects.values_list("pk", "name", "active")) == before


@pytest.mark.django_db
def test_a_started_import_keeps_its_columns(client, world):
    client.force_login(world.admin)
    _response, org_import = upload(client, files.split_names_cp1252())
    OrgImport.objects.filter(pk=org_import.pk).update(status=OrgImport.Status.APPLIED, data=b"")  # as after applying
    assert client.post(reverse("org_import:columns", args=[org_import.pk]), {}).status_code == 403
    html = client.get(reverse("org_import:columns", args=[org_import.pk])).content.decode()
    assert "Denne import er allerede sat i gang" in html
    assert "<li>Navn: Fornavn + Efternavn</li>" in html  # the columns it used
    assert "Filen kan ikke læses" not in html


@pytest.mark.browser
def test_the_column_step_in_the_browser(live_server, live_world, page, axe, tmp_path):
    base = live_server.url
    page.goto(base + "/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill("hr@aby.dk")
    page.get_by_label("Adgangskode").fill(live_world.password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")
    path = tmp_path / "løn.csv"
    path.write_bytes(files.split_names_cp1252())
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + LIST)
        page.get_by_label("HR-fil (CSV)").set_input_files(str(path))
        page.get_by_role("button", name="Indlæs og vis forskellen").click()
        page.wait_for_load_state()
        if width == 1280:
            assert page.locator("main h1").inner_text() == "Import af løn.csv"  # remembered from the first
            break
        assert page.locator("main h1").inner_text() == "Kolonner i løn.csv"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        violations = axe(page)
        assert violations == [], describe_violations(violations)
        page.get_by_label("Enhedskode", exact=True).select_option("Afd.nr.")
        page.get_by_label("Overordnet enhedskode").select_option("Overordnet afd.nr.")
        page.get_by_label("Leders medarbejdernr").select_option("Nærmeste leder (lønnr)")
        page.get_by_label("Startdato").select_option("Ansat pr.")
        page.get_by_role("button", name="Gem kolonnerne, og vis forskellen").click()
        page.wait_for_load_state()
        assert page.locator("main h1").inner_text() == "Import af løn.csv"
        assert "Bjørn Lærkegård Hansen" in page.locator("main").inner_text()
        violations = axe(page)
        assert violations == [], describe_violations(violations)
