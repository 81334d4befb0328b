"""The background job: upload → start → run (the immediate task backend runs it at once in tests)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from kerne.core.models import AuditEvent
from kerne.organisation import hr_sync
from kerne.organisation.hr_import import guess_columns, read_head
from kerne.organisation.hr_sync import ImportNotStartable, org_import_run, org_import_start, org_import_upload
from kerne.organisation.models import OrgImport, Person
from kerne.organisation.tasks import ProgressRecorder
from kerne.organisation.tests.factories import OrganisationFactory
from kerne.organisation.tests.hr_files import csv_text, replace

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(name="Aby Kommune", slug="aby")


@pytest.fixture
def hr_user(org):
    return get_user_model().objects.create_user(email="hr@aby.dk", organisation=org, is_org_admin=True)


def upload(org, user, people=None):
    data = csv_text(people).encode()
    columns = guess_columns(read_head(data).headers)  # as HR confirms them in the column step
    return org_import_upload(organisation=org, data=data, filename="hr.csv", actor=user, columns=columns)


def test_upload_stores_the_file_and_its_preview_and_changes_nothing(org, hr_user):
    org_import = upload(org, hr_user)
    assert org_import.status == OrgImport.Status.PREVIEWED
    assert bytes(org_import.data) == csv_text().encode()
    assert org_import.uploaded_by == hr_user
    summary = org_import.plan_summary
    assert summary["counts"]["new"] == 8
    assert summary["problem_count"] == 0
    assert summary["new"][0] == {
        "key": "1000",
        "name": "Kirsten Holm",
        "line": 2,
        "unit": "Aby Kommune (K)",
        "changes": [],
    }
    assert len(org_import.plan_digest) == 64
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="organisation.import_applied").exists()


def test_start_runs_the_job_which_applies_records_progress_and_forgets_the_file(org, hr_user):
    org_import = org_import_start(org_import=upload(org, hr_user), actor=hr_user)
    assert org_import.status == OrgImport.Status.APPLIED
    assert (org_import.progress_done, org_import.progress_total) == (24, 24)
    assert org_import.applied_by == hr_user
    assert org_import.applied_at is not None
    assert bytes(org_import.data) == b""
    assert org_import.plan_summary["applied"] is True
    assert Person.objects.filter(organisation=org).count() == 8
    event = AuditEvent.objects.get(action="organisation.import_applied")
    assert (event.actor, event.organisation) == (hr_user, org)
    with pytest.raises(ImportNotStartable, match=re.escape("Importen er allerede sat i gang.")):
        org_import_start(org_import=org_import, actor=hr_user)


def test_a_file_with_errors_cannot_be_started(org, hr_user):
    org_import = upload(org, hr_user, replace(5, ";Medarbejder;", ";Souschef;"))
    assert org_import.plan_summary["problem_count"] == 1
    assert org_import.plan_summary["problems"][0]["line"] == 5
    with pytest.raises(ImportNotStartable, match=re.escape("Filen har fejl; ret dem, og indlæs den igen.")):
        org_import_start(org_import=org_import, actor=hr_user)
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.PREVIEWED
    assert Person.objects.count() == 0


def test_only_one_import_runs_at_a_time(org, hr_user):
    first, second = upload(org, hr_user), upload(org, hr_user)
    OrgImport.objects.filter(pk=first.pk).update(status=OrgImport.Status.RUNNING)
    with pytest.raises(ImportNotStartable, match=re.escape("En anden import er i gang; vent, til den er færdig.")):
        org_import_start(org_import=second, actor=hr_user)
    assert Person.objects.count() == 0


def test_a_changed_organisation_fails_the_job_and_changes_nothing(org, hr_user):
    org_import = upload(org, hr_user)
    hr_sync.org_import_apply(organisation=org, data=csv_text().encode(), filename="other.csv", actor="test")
    Person.objects.filter(employee_number="1007").update(name="Ida Ny")  # the preview is now stale
    org_import = org_import_start(org_import=org_import, actor=hr_user)
    assert org_import.status == OrgImport.Status.FAILED
    assert org_import.error.startswith("Organisationen er ændret siden forhåndsvisningen")
    assert Person.objects.get(employee_number="1007").name == "Ida Ny"


def test_an_unexpected_error_marks_the_import_failed(org, hr_user, monkeypatch):
    org_import = upload(org, hr_user)
    OrgImport.objects.filter(pk=org_import.pk).update(status=OrgImport.Status.RUNNING)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(hr_sync, "org_import_apply", broken)
    with pytest.raises(RuntimeError):
        org_import_run(import_id=org_import.pk)
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.FAILED
    assert org_import.error == "Importen stoppede på grund af en uventet fejl (RuntimeError). Intet er ændret."


def test_progress_recorder_writes_outside_a_transaction_and_throttles(org, hr_user, django_assert_num_queries):
    org_import = upload(org, hr_user)
    recorder = ProgressRecorder(org_import.pk)
    from django.db import connection

    # pytest-django wraps each test in a transaction; pretend we are outside it.
    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with django_assert_num_queries(2):
            recorder(1, 30)
            recorder(2, 30)  # within half a second: skipped
            recorder(30, 30)  # the end is always written
    finally:
        connection.in_atomic_block = atomic
    org_import.refresh_from_db()
    assert (org_import.progress_done, org_import.progress_total) == (30, 30)
