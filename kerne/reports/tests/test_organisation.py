"""The organisation report: suppression on real data, exports, access, query counts."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kerne.evaluations.models import ALL_OTHERS, SubjectResult
from kerne.reports.organisation import build_org_report
from kerne.reports.suppression import Rule
from kerne.reports.tests.builders import build_wide_org, closed_round
from kerne.reports.tests.test_suppression import in_span, span_basis

pytestmark = pytest.mark.django_db


@pytest.fixture
def wide(django_capture_on_commit_callbacks):
    org = build_wide_org()
    return org, closed_round(org, django_capture_on_commit_callbacks)


def test_units_with_fewer_than_three_leaders_are_hidden_and_nothing_derivable(wide):
    _org, round_ = wide
    report = build_org_report(round_, [])
    cells = {row.unit.name: row.cells[ALL_OTHERS] for row in report.units}
    # One leader per plejecenter: hidden. The area (chef + 6 leaders) and the top hold the same
    # answers (the direktør's only rater group, the chef, is below its minimum), so both show.
    assert [name for name, cell in cells.items() if not cell.hidden] == ["Direktionen", "Ældreområdet"]
    assert all(cells[f"Plejecenter {i}"].hidden for i in range(1, 7))
    assert cells["Direktionen"].leaders == 7  # the direktør has no shown group
    assert report.total[ALL_OTHERS].respondents == cells["Direktionen"].respondents
    assert cells["Plejecenter 1"].node("stabil-drift").mean is None

    # The attacker: every published cell as a sum of atoms; no single leader's atoms are in the span.
    published = [
        cell
        for cell in [*report.total.values(), *(c for row in report.units for c in row.cells.values())]
        + [c for _level, cells in report.roles for c in cells.values()]
        if not cell.hidden
    ]
    atoms = sorted({a for cell in published for a in cell.atoms})
    basis = span_basis([[1 if a in cell.atoms else 0 for a in atoms] for cell in published])
    for atom in atoms:
        assert not in_span(basis, [1 if a == atom else 0 for a in atoms])


def test_role_levels_and_statements(wide):
    _org, round_ = wide
    report = build_org_report(round_, [])
    roles = {level.key: cells[ALL_OTHERS] for level, cells in report.roles}
    assert sorted(roles) == ["chef", "direktoer", "leder-af-medarbejdere"]
    assert roles["leder-af-medarbejdere"].leaders == 6
    # The whole minus the six leaders would be the chef alone: so the six are hidden as well.
    assert roles["leder-af-medarbejdere"].hidden
    assert roles["chef"].hidden
    assert roles["direktoer"].leaders == 0
    assert len(report.strongest) == 5
    assert report.statements[0][3].mean >= report.statements[-1][3].mean
    assert [label for _key, label, _fig in report.perspectives[ALL_OTHERS]] == [
        "Compliance",
        "Performance",
        "Emergens",
        "Resiliens",
    ]
    assert report.needs
    assert all(need["leaders"] is None or need["leaders"] >= 3 for need in report.needs)


def test_statements_about_fewer_than_three_leaders_are_not_listed(wide):
    """The chef's own statements are answered about the chef alone: they stay out of the lists, and
    so does one leader statement per competency, since the competency minus the rest would show them."""
    _org, round_ = wide
    report = build_org_report(round_, [])
    questions = {str(q.pk): q for q in round_.questions.all()}
    listed = [questions[key] for key, _text, _area, _figure in report.statements]
    assert Counter(q.role_level_key for q in listed) == {"leder-af-medarbejdere": 16, "": 7}
    others = {r.subject_id: r for r in SubjectResult.objects.filter(round=round_, group_key=ALL_OTHERS)}
    listed_keys = {key for key, *_rest in report.statements}
    for competency, _name, _area in report.competencies:
        assert report.total[ALL_OTHERS].node(competency).mean is not None
        left_out = [k for k, q in questions.items() if len(q.node_path) > 1 and q.node_path[1][0] == competency]
        left_out = [k for k in left_out if k not in listed_keys]
        about = {s for s, result in others.items() if set(left_out) & set(result.statements)}
        assert len(about) >= 3, competency


def test_a_small_scope_shows_nothing(wide):
    org, round_ = wide
    unit = org.people["l1"].positions.get().unit
    report = build_org_report(round_, [unit])
    assert report.subjects == 1
    assert report.total[ALL_OTHERS].hidden
    assert report.statements == []
    assert report.needs == []


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
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr>") >= 9
    # The snapshot never changes after closing: the report is kept and the second view reads little.
    with django_assert_num_queries(5):
        again = client.get(url)

    def heat(page):
        return page.content.decode().split('id="heat-heading"')[1].split("</section>")[0]

    assert heat(again) == heat(response)


def test_rule_is_three_leaders_and_the_group_minimum(wide):
    _org, round_ = wide
    report = build_org_report(round_, [])
    assert report.min_respondents == 5
    assert Rule(3, 5) == Rule(min_leaders=3, min_respondents=report.min_respondents)


def test_hr_lists_the_personal_reports_and_others_may_not(client, wide, django_assert_num_queries):
    org, round_ = wide
    url = reverse("reports:subjects", args=[round_.pk])
    client.force_login(org.hr)
    with django_assert_num_queries(6):
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


def test_closing_prepares_the_organisation_report(django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from kerne.reports.organisation import SUPPRESSION_VERSION, VIEWS, build_org_report

    org = build_wide_org(slug="forberedt")
    with django_capture_on_commit_callbacks(execute=True):
        round_ = closed_round(org, django_capture_on_commit_callbacks, publish=False)
    key = f"kerne:org-report:{SUPPRESSION_VERSION}:{round_.pk}::{VIEWS[0]}"
    cached = cache.get(key)
    assert cached is not None
    assert cached.total[ALL_OTHERS].respondents == build_org_report(round_, []).total[ALL_OTHERS].respondents


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
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    assert AuditEvent.objects.filter(action="report.personal_viewed_pdf_batch").count() == 8
    assert AuditEvent.objects.filter(action="report.pdf_batch_downloaded").count() == 1
