"""The organisation report: what the decision published, exports, access, query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kerne.evaluations.models import ALL_OTHERS
from kerne.reports.organisation import org_report
from kerne.reports.tests.builders import build_wide_org, closed_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def wide(django_capture_on_commit_callbacks):
    org = build_wide_org()
    return org, closed_round(org, django_capture_on_commit_callbacks)


def test_units_with_fewer_than_three_leaders_are_hidden_and_the_rest_shown(wide):
    _org, round_ = wide
    report = org_report(round_, [])
    cells = {row.unit.name: row.cells[ALL_OTHERS] for row in report.units}
    # One leader per plejecenter: hidden, and the page says why. The area and the whole show.
    assert not report.total[ALL_OTHERS].hidden
    assert not cells["Ældreområdet"].hidden
    assert all(cells[f"Plejecenter {i}"].hidden for i in range(1, 7))
    assert {cells[f"Plejecenter {i}"].reason for i in range(1, 7)} == {"too-few-leaders"}
    assert cells["Plejecenter 1"].node("stabil-drift").mean is None
    assert cells["Plejecenter 1"].node("stabil-drift").reason == "too-few-leaders"
    assert report.total[ALL_OTHERS].leaders == 7  # the direktør has no group shown in their own report


def test_role_levels_and_statements(wide):
    _org, round_ = wide
    report = org_report(round_, [])
    roles = {level.key: cells[ALL_OTHERS] for level, cells in report.roles}
    assert sorted(roles) == ["chef", "leder-af-medarbejdere"]
    assert roles["leder-af-medarbejdere"].leaders == 6
    # The direktør may open the chef's report (as own leader): the whole minus the six leaders is
    # known to her, so the leaders' role level can be shown; the chef alone never.
    assert not roles["leder-af-medarbejdere"].hidden
    assert roles["chef"].hidden
    assert roles["chef"].reason == "too-few-leaders"
    assert len(report.strongest) == 5
    assert report.statements[0][3].mean >= report.statements[-1][3].mean
    assert [label for _key, label, _fig in report.perspectives[ALL_OTHERS]] == [
        "Compliance",
        "Performance",
        "Emergens",
        "Resiliens",
    ]
    assert report.needs
    assert all("leaders" not in need for need in report.needs)  # no count of leaders per need


def test_statements_about_fewer_than_three_leaders_are_not_listed(wide):
    """The chef's own statements are answered about the chef alone: they stay out of the list."""
    _org, round_ = wide
    report = org_report(round_, [])
    questions = {str(q.pk): q for q in round_.questions.all()}
    listed = [questions[key] for key, _text, _area, _figure in report.statements]
    assert {q.role_level_key for q in listed} <= {"leder-af-medarbejdere", ""}
    assert not [q for q in listed if q.role_level_key == "chef"]
    assert report.hidden_statements > 0


def test_a_small_scope_shows_nothing_and_offers_no_export(client, wide):
    org, round_ = wide
    unit = org.people["l1"].positions.get().unit
    report = org_report(round_, [unit])
    assert report.subjects == 1
    assert report.total[ALL_OTHERS].hidden
    assert report.statements == []
    assert report.needs == []
    assert report.empty


def test_exports_hold_no_hidden_figure(client, wide):
    org, round_ = wide
    client.force_login(org.hr)
    response = client.get(reverse("reports:export", args=[round_.pk, "csv"]))
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    plejecenter = [r for r in rows if r and r[0].strip() == "Plejecenter 1"]
    assert len(plejecenter) == 2  # everyone else and employees
    assert all(set(r[3:-1]) == {""} for r in plejecenter)  # hidden: empty, never a figure
    assert all(r[-1].startswith("Skjult") for r in plejecenter)
    response = client.get(reverse("reports:export", args=[round_.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Enheder", "Ledelsesniveauer", "Udsagn", "Om tallene"]
    units = list(book["Enheder"].iter_rows(values_only=True))
    assert units[0][:5] == ("Enhed", "Niveau i træet", "Bedømmere", "Ledere", "Respondenter")
    assert [r[3] for r in units if r[0] == "Plejecenter 3"] == [None, None]


def test_who_sees_the_organisation_report(client, wide):
    org, round_ = wide
    url = reverse("reports:organisation", args=[round_.pk])
    client.force_login(org.hr)
    assert client.get(url).status_code == 200
    client.force_login(org.user_for("chef"))
    html = client.get(url).content.decode()
    assert "Ældreområdet" in html
    assert "Direktionen" not in html  # a leader sees their own subtree only
    client.force_login(org.user_for("e1-0"))
    assert client.get(url).status_code == 403
    client.force_login(build_wide_org(slug="fremmed").hr)
    assert client.get(url).status_code == 404
    assert client.get(reverse("reports:export", args=[round_.pk, "csv"])).status_code == 404


def test_org_report_page_in_fixed_queries(client, wide, django_assert_num_queries):
    org, round_ = wide
    client.force_login(org.hr)
    url = reverse("reports:organisation", args=[round_.pk])
    with django_assert_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr>") >= 9


def test_hr_lists_the_personal_reports_and_others_may_not(client, wide, django_assert_num_queries):
    org, round_ = wide
    url = reverse("reports:subjects", args=[round_.pk])
    client.force_login(org.hr)
    with django_assert_num_queries(7):
        html = client.get(url, {"q": "Leder"}).content.decode()
    assert html.count('href="/rapporter/leder/') == 6
    client.force_login(org.user_for("chef"))
    assert client.get(url).status_code == 403


def test_the_heat_map_shows_the_chosen_number_of_levels(client, wide):
    org, round_ = wide
    client.force_login(org.hr)
    url = reverse("reports:organisation", args=[round_.pk])
    one = client.get(url, {"niveauer": "1"}).content.decode()
    three = client.get(url, {"niveauer": "3"}).content.decode()
    assert "Plejecenter 1" not in one.split('id="heat-heading"')[1]
    assert "Plejecenter 1" in three.split('id="heat-heading"')[1]
    assert client.get(url, {"niveauer": "x"}).status_code == 200  # bad input: the default


def test_the_figures_are_decided_once_when_the_round_closes(django_capture_on_commit_callbacks):
    from kerne.evaluations.models import Disclosure, OrgFigures, PersonalFigures

    org = build_wide_org(slug="forberedt")
    round_ = closed_round(org, django_capture_on_commit_callbacks, publish=False)
    disclosure = Disclosure.objects.get(round=round_)
    assert disclosure.status == "done"
    assert disclosure.audit["violations"] == 0
    assert disclosure.audit["personal"]["violations"] == 0
    assert PersonalFigures.objects.filter(round=round_).count() == 8
    # Every page reads the stored decision: the same figure for HR's whole and the area's own page.
    whole = org_report(round_, [])
    area = org.people["chef"].positions.get().unit
    mine = org_report(round_, [area])
    hr_row = next(r for r in whole.units if r.unit.pk == area.pk).cells[ALL_OTHERS]
    assert mine.total[ALL_OTHERS].vectors == hr_row.vectors
    assert OrgFigures.objects.filter(round=round_, kind="unit", scope=area.pk).count() == 2


def test_all_personal_pdfs_as_a_background_job(client, wide, django_capture_on_commit_callbacks):
    import zipfile

    from kerne.core.models import AuditEvent
    from kerne.reports.models import PdfBatch

    org, round_ = wide
    client.force_login(org.user_for("chef"))
    assert client.post(reverse("reports:pdf-batch", args=[round_.pk])).status_code == 403
    assert PdfBatch.objects.count() == 0
    client.force_login(org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:pdf-batch", args=[round_.pk]))
    assert response.status_code == 302
    batch = PdfBatch.objects.get()
    assert (batch.status, batch.done, batch.total) == ("done", 8, 8)
    status = client.get(reverse("reports:pdf-batch-status", args=[batch.pk])).content.decode()
    assert "Alle 8 rapporter er klar." in status
    download = client.get(reverse("reports:pdf-batch-download", args=[batch.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert len(names) == 8
    assert sorted(name.rsplit("-", 1)[0] for name in names)[:2] == ["carsten-chef", "dorte-direktør"]  # æ, ø, å kept
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    assert AuditEvent.objects.filter(action="report.personal_viewed_pdf_batch").count() == 8
    assert AuditEvent.objects.filter(action="report.pdf_batch_downloaded").count() == 1
