"""The HR import in the browser: upload → preview → apply → result, for HR only; axe on every page.

Uses the `world` of kerne/accounts/tests/conftest.py: hr@aby.dk administers Aby Kommune (which
already has eight people from the factories), hr@bby.dk administers Bby Kommune.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import describe_violations
from kerne.core.models import AuditEvent
from kerne.organisation.hr_sync import org_import_upload
from kerne.organisation.models import OrgImport, Person, Position, Unit
from kerne.organisation.tests.hr_files import csv_text, replace

LIST = "/organisation/import/"


def upload_file(people=None, encoding="utf-8", name="ansatte.csv"):
    return SimpleUploadedFile(name, csv_text(people).encode(encoding), content_type="text/csv")


def confirm_columns(org_import):
    """The column step's form as pre-filled (what HR posts when the guess is right)."""
    org_import.refresh_from_db()
    post = {f"col-{name}": header for name, header in org_import.columns.items() if name != "name"}
    for n, part in enumerate(org_import.columns.get("name", "").split("+"), start=1):
        post[f"col-name-{n}"] = part
    return post


def state(org):
    return (
        sorted(Person.objects.filter(organisation=org).values_list("id", "name", "active")),
        Position.objects.filter(organisation=org).count(),
        Unit.objects.filter(organisation=org, active=True).count(),
        AuditEvent.objects.filter(action="organisation.import_applied").count(),
    )


@pytest.mark.django_db
def test_hr_uploads_previews_applies_and_sees_the_result(client, world, django_assert_num_queries):
    client.force_login(world.admin)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Importér organisationsdiagram</h1>" in html
    assert '<label for="id_file">HR-fil (CSV)</label>' in html
    assert "Ingen importer endnu." in html

    before = state(world.aby)
    response = client.post(LIST, {"file": upload_file(encoding="cp1252"), "encoding": "", "delimiter": ""})
    org_import = OrgImport.objects.get()
    assert response.status_code == 302
    # The first upload of an organisation: HR confirms which column holds what.
    assert response["Location"] == reverse("org_import:columns", args=[org_import.pk])
    assert state(world.aby) == before  # the preview changes nothing
    html = client.get(response["Location"]).content.decode()
    assert '<option value="Medarbejdernr" selected>Medarbejdernr</option>' in html
    response = client.post(response["Location"], confirm_columns(org_import))
    assert response["Location"] == reverse("org_import:detail", args=[org_import.pk])
    assert state(world.aby) == before

    html = client.get(response["Location"]).content.decode()
    assert "<h1>Import af ansatte.csv</h1>" in html
    assert "Intet er ændret endnu. Kontrollér forskellen herunder, og gennemfør så importen." in html
    assert "CP1252 · semikolon" in html
    assert re.search(r'<a href="#section-new">Nye personer</a></th><td>8</td>', html)
    assert re.search(r'<a href="#section-left">Fratrådte</a></th><td>8</td>', html)  # the factory people
    assert '<th scope="row">Kirsten Holm</th>' in html
    assert "Gennemfør importen" in html

    response = client.post(reverse("org_import:apply", args=[org_import.pk]))
    assert response.status_code == 302
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.APPLIED
    assert org_import.applied_by == world.admin
    assert Person.objects.filter(organisation=world.aby, active=True).count() == 8
    assert Person.objects.filter(organisation=world.aby, active=False).count() == 8  # deactivated, not deleted
    html = client.get(response["Location"]).content.decode()
    assert "Det ændrede importen" in html
    assert "Importen er gennemført." in html
    assert "Gennemfør importen" not in html

    with django_assert_num_queries(4):  # session, user, organisation, imports
        html = client.get(LIST).content.decode()
    assert "Gennemført</td>\n      <td>8</td>" in html
    assert "ansatte.csv" in html


@pytest.mark.django_db
def test_a_bad_file_shows_every_error_with_its_line_and_cannot_be_applied(client, world):
    client.force_login(world.admin)
    people = replace(5, ";1002;Medarbejder", ";1042;Medarbejder")
    people[1] = people[1].replace("bo.berg@aby.dk", "bo.berg")
    client.post(LIST, {"file": upload_file(people)})
    org_import = OrgImport.objects.get()
    client.post(reverse("org_import:columns", args=[org_import.pk]), confirm_columns(org_import))
    html = client.get(reverse("org_import:detail", args=[org_import.pk])).content.decode()
    assert "Filen har 2 fejl – intet er ændret" in html
    assert (
        "<li>linje 3, felt E-mail: &#x27;bo.berg&#x27; er ikke en gyldig e-mailadresse "
        "(forventet fx anne.hansen@kommune.dk).</li>"
    ) in html
    assert (
        "<li>linje 5, felt Leders medarbejdernr: lederen &#x27;1042&#x27; findes ikke i filen. "
        "Hver leder skal selv have en linje i filen; tjek nummeret.</li>"
    ) in html
    assert "Gennemfør importen" not in html
    listing = client.get(LIST).content.decode()
    assert 'Forhåndsvist <span class="note">(2 fejl)</span></td>\n      <td>8</td>' in listing
    before = state(world.aby)
    response = client.post(reverse("org_import:apply", args=[org_import.pk]), follow=True)
    assert "Filen har fejl; ret dem, og indlæs den igen." in response.content.decode()
    assert state(world.aby) == before
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.PREVIEWED


@pytest.mark.django_db
def test_an_empty_or_missing_file_is_explained(client, world):
    client.force_login(world.admin)
    client.post(LIST, {"file": SimpleUploadedFile("tom.csv", b"", content_type="text/csv")})
    html = client.get(reverse("org_import:detail", args=[OrgImport.objects.get().pk])).content.decode()
    assert "<li>Filen er tom.</li>" in html
    response = client.post(LIST, {"encoding": "cp1252"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dette felt er påkrævet." in html
    assert '<option value="cp1252" selected>Windows-1252</option>' in html  # the choice is kept
    assert OrgImport.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leader", "employee", "homeless"])
def test_people_who_are_not_hr_are_refused_and_nothing_changes(client, world, who):
    org_import = org_import_upload(
        organisation=world.aby, data=csv_text().encode(), filename="hr.csv", actor=world.admin
    )
    client.force_login(getattr(world, who))
    before = state(world.aby)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"file": upload_file()}).status_code == 403
    assert client.get(reverse("org_import:detail", args=[org_import.pk])).status_code == 403
    assert client.get(reverse("org_import:columns", args=[org_import.pk])).status_code == 403
    assert client.post(reverse("org_import:columns", args=[org_import.pk]), {"col-email": ""}).status_code == 403
    assert client.post(reverse("org_import:apply", args=[org_import.pk])).status_code == 403
    assert client.get(reverse("org_import:progress", args=[org_import.pk])).status_code == 403
    assert state(world.aby) == before
    assert OrgImport.objects.count() == 1
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.PREVIEWED


@pytest.mark.django_db
def test_another_organisations_hr_cannot_see_or_apply_the_import(client, world):
    org_import = org_import_upload(
        organisation=world.aby, data=csv_text().encode(), filename="hr.csv", actor=world.admin
    )
    client.force_login(world.other_admin)
    before = state(world.aby)
    assert client.get(reverse("org_import:detail", args=[org_import.pk])).status_code == 403
    assert client.post(reverse("org_import:columns", args=[org_import.pk]), {"col-email": ""}).status_code == 403
    assert client.post(reverse("org_import:apply", args=[org_import.pk])).status_code == 403
    assert client.get(reverse("org_import:progress", args=[org_import.pk])).status_code == 403
    html = client.get(LIST).content.decode()
    assert "hr.csv" not in html
    assert state(world.aby) == before
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.PREVIEWED


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/log-ind/?next=")


@pytest.mark.django_db
def test_the_progress_partial_polls_while_running_and_stops_when_done(client, world):
    org_import = org_import_upload(
        organisation=world.aby, data=csv_text().encode(), filename="hr.csv", actor=world.admin
    )
    OrgImport.objects.filter(pk=org_import.pk).update(status="running", progress_done=12, progress_total=24)
    client.force_login(world.admin)
    url = reverse("org_import:progress", args=[org_import.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Kontrollerer og sammenligner med organisationen</strong> · 50 % færdig" in html
    assert '<progress max="100" value="50" aria-label="Importens fremdrift">50 %</progress>' in html
    page = client.get(reverse("org_import:detail", args=[org_import.pk])).content.decode()
    assert f'aria-live="polite" hx-get="{url}" hx-trigger="every 1s"' in page
    OrgImport.objects.filter(pk=org_import.pk).update(status="applied")
    response = client.get(url)
    assert response.status_code == 286  # htmx stops polling
    assert "Importen er gennemført." in response.content.decode()


# --- in the browser, with axe-core ---------------------------------------------------------------


@pytest.mark.browser
def test_upload_and_preview_pages_pass_axe(live_server, live_world, page, axe, tmp_path):
    base = live_server.url
    page.goto(base + "/konto/log-ind/")
    page.get_by_label("E-mailadresse").fill("hr@aby.dk")
    page.get_by_label("Adgangskode").fill(live_world.password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")

    def check(heading):
        assert page.locator("html").get_attribute("lang") == "da"
        assert page.locator("main h1").inner_text() == heading
        violations = axe(page)
        assert violations == [], describe_violations(violations)

    page.goto(base + LIST)
    check("Importér organisationsdiagram")

    bad = tmp_path / "fejl.csv"
    bad.write_bytes(csv_text(replace(5, ";Medarbejder;", ";Souschef;")).encode())
    page.get_by_label("HR-fil (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Indlæs og vis forskellen").click()
    page.wait_for_load_state()
    check("Kolonner i fejl.csv")
    page.get_by_role("button", name="Gem kolonnerne, og vis forskellen").click()
    page.wait_for_load_state()
    check("Import af fejl.csv")
    assert (
        "linje 5, felt Stillingsniveau: stillingsniveauet 'Souschef' kendes ikke." in page.locator("main").inner_text()
    )

    page.goto(base + LIST)
    good = tmp_path / "ansatte.csv"
    good.write_bytes(csv_text().encode("cp1252"))
    page.get_by_label("HR-fil (CSV)").set_input_files(str(good))
    page.get_by_label("Tegnsæt").select_option("cp1252")
    page.get_by_role("button", name="Indlæs og vis forskellen").click()
    page.wait_for_load_state()
    check("Import af ansatte.csv")  # the columns confirmed for fejl.csv are remembered
    page.get_by_role("button", name="Gennemfør importen").click()
    page.wait_for_load_state()
    check("Import af ansatte.csv")
    assert "Importen er gennemført." in page.locator("main").inner_text()

    page.goto(base + LIST)
    check("Importér organisationsdiagram")
    assert page.locator("table.imports tbody tr").count() == 2
