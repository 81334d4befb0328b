"""Getting numbers in: Kerne's CSV/Excel file, StatBank BULK and Jobindsats JSON, the fetch, the import flow."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from kerne.core.models import AuditEvent
from kerne.results import periods, services, sources, tables
from kerne.results.models import (
    Figure,
    ImportStatus,
    Indicator,
    Measurement,
    MeasurementImport,
    MeasurementRevision,
    Source,
)

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 6, 15)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _danish():
    with translation.override("da"):
        yield


def csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def counts() -> tuple[int, int, int]:
    return Measurement.objects.count(), MeasurementRevision.objects.count(), Figure.objects.count()


# --- reading the file ------------------------------------------------------------------------------


def test_a_danish_csv_with_bom_semicolons_and_decimal_commas():
    data = (
        "\ufeffIndikator;Enhed;Periode;Værdi;Nævner;Status;Enhedsnavn\r\n"
        "sygefravaer;E00001;2026M03;5,8;412;foreløbig;Team A\r\n"
    )
    rows, problems = tables.read_table(data.encode("utf-8"))
    assert problems == []
    assert rows == [tables.RawRow(2, "sygefravaer", "E00001", "2026M03", "5,8", "412", "foreløbig")]


def test_windows_1252_and_comma_separated_files_are_read():
    rows, problems = tables.read_table(csv("indicator,unit,period,value", "ventetid,E1,2026K1,12", encoding="cp1252"))
    assert problems == []
    assert rows[0].period == "2026K1"
    rows, _problems = tables.read_table("Indikator;Enhed;Periode;Værdi\r\nx;Æblehaven;2026;1\r\n".encode("cp1252"))
    assert rows[0].unit == "Æblehaven"


def test_an_excel_workbook_with_numbers_and_dates():
    book = Workbook()
    sheet = book.active
    sheet.append(["Indikator", "Enhed", "Periode", "Værdi"])
    sheet.append(["ventetid", 10005, dt.datetime(2026, 3, 31), 12.5])
    buffer = io.BytesIO()
    book.save(buffer)
    rows, problems = tables.read_table(buffer.getvalue(), "maalinger.xlsx")
    assert problems == []
    assert rows == [tables.RawRow(2, "ventetid", "10005", dt.datetime(2026, 3, 31), 12.5, "", "")]


def test_missing_columns_and_empty_files_say_what():
    _rows, problems = tables.read_table(csv("Indikator;Periode;Tal", "x;2026;1"))
    assert [p.text() for p in problems] == [
        "Linje 1: Første linje skal navngive kolonnerne; der mangler: »Enhed«. Fundet: Indikator; Periode; Tal."
    ]
    assert [p.text() for p in tables.read_table(b"")[1]] == ["Filen er tom."]
    assert [p.text() for p in tables.read_table(b"PK\x03\x04broken", "x.xlsx")[1]] == [
        "Filen kunne ikke læses som en Excel-projektmappe (.xlsx)."
    ]


# --- checking rows -------------------------------------------------------------------------------------


def check(rw, *lines: str, today: dt.date = TODAY):
    rows, problems = tables.read_table(csv("Indikator;Enhed;Periode;Værdi;Nævner;Status", *lines))
    assert problems == []
    return services.check(rw.aby, rows, today=today)


def test_every_problem_names_its_line_and_column(rw):
    u3, p2 = rw.units[3].code, rw.side[1].code
    checked = check(
        rw,
        f"sygefravaer;{u3};2026M03;5,8;20;",  # fine
        f"ukendt;{u3};2026M03;1;;",
        "ventetid;FINDES-IKKE;2026M03;1;;",
        f"ventetid;{rw.sector2.code};2026M03;1;;",
        f"ventetid;{u3};2026K1;1;;",
        f"ventetid;{u3};2026M09;1;;",
        f"ventetid;{u3};2026M03;tolv;;",
        f"ventetid;{u3};2026M04;7;;diskretioneret",
        f"sygefravaer;{p2};2026M03;5;;",
        f"ventetid;{u3};2026M05;1;;måske",
        f"sygefravaer;{u3};2026M03;6;20;",
    )
    assert [p.text() for p in checked.problems] == [
        "Linje 3, kolonnen »Indikator«: Der er ingen indikator med nøglen »ukendt« i organisationen.",
        "Linje 4, kolonnen »Enhed«: Der er ingen enhed med koden »FINDES-IKKE« i organisationen.",
        f"Linje 5, kolonnen »Enhed«: Enheden »{rw.sector2.name}« er hverken enheden for »Borgere på venteliste«, "
        "en enhed under den eller en bidragende enhed.",
        "Linje 6, kolonnen »Periode«: »2026K1« er et kvartal, men indikatoren måles pr. måned.",
        "Linje 7, kolonnen »Periode«: Perioden september 2026 er ikke begyndt endnu.",
        "Linje 8, kolonnen »Værdi«: »tolv« er ikke et tal (skriv fx 12,5).",
        "Linje 9, kolonnen »Værdi«: En værdi, kilden har diskretioneret, må ikke have et tal: "
        "skriv .. eller lad feltet være tomt.",
        "Linje 10, kolonnen »Nævner«: »Sygefravær« lægges sammen som et vægtet gennemsnit: angiv nævneren "
        "(fx antallet af borgere, andelen er af).",
        "Linje 11, kolonnen »Status«: »måske« er ikke en status: skriv endelig, foreløbig eller diskretioneret "
        "(eller lad feltet være tomt).",
        f"Linje 12: Sygefravær for {rw.units[3].name}, marts 2026, står allerede i linje 2.",
    ]
    assert len(checked.entries) == 1


def test_two_dots_are_suppressed_never_zero(rw):
    checked = check(
        rw, f"ventetid;{rw.units[3].code};2026M03;..;;", f"ventetid;{rw.units[3].code};2026M04;;;diskretioneret"
    )
    assert checked.problems == []
    assert [(e.value, e.status) for e in checked.entries] == [(None, "suppressed"), (None, "suppressed")]


# --- StatBank and Jobindsats ----------------------------------------------------------------------------


STATBANK_CONFIG = {
    "table": "AUK01",
    "variables": {"OMRÅDE": ["860"], "YDELSESTYPE": ["TOT"], "ALDER": ["TOT"]},
    "area": "OMRÅDE",
}


def test_statbank_bulk_is_parsed_and_mapped(rw):
    config = STATBANK_CONFIG | {"units": {"860": rw.units[0].code}}
    parsed = sources.parse_statbank(
        (DATA / "statbank-AUK01-bulk.csv").read_bytes(), config, indicator_key="kontanthjaelp", default_unit="X"
    )
    assert parsed.problems == []
    assert parsed.skipped == 36  # the LANG rows and København's
    assert [(r.period, r.value, r.status) for r in parsed.rows[:2]] == [
        ("2025M01", "1315", ""),
        ("2025M02", "1302", ""),
    ]
    assert (parsed.rows[6].period, parsed.rows[6].value, parsed.rows[6].status) == ("2025M07", "..", "diskretioneret")
    assert {r.unit for r in parsed.rows} == {rw.units[0].code}


def test_statbank_request_asks_only_for_new_periods():
    request = sources.statbank_request(STATBANK_CONFIG, periods.parse_key("2025M12"))
    assert request == {
        "table": "AUK01",
        "format": "BULK",
        "lang": "da",
        "valuePresentation": "Code",
        "variables": [
            {"code": "OMRÅDE", "values": ["860"]},
            {"code": "YDELSESTYPE", "values": ["TOT"]},
            {"code": "ALDER", "values": ["TOT"]},
            {"code": "Tid", "values": [">2025M12"]},
        ],
    }
    assert sources.statbank_request(STATBANK_CONFIG, None)["variables"][-1] == {"code": "Tid", "values": ["*"]}


def test_statbank_and_jobindsats_errors_are_danish():
    error = sources.parse_statbank(
        (DATA / "statbank-error.json").read_bytes(), STATBANK_CONFIG, indicator_key="k", default_unit="X"
    )
    assert [p.text() for p in error.problems] == [
        "Statistikbanken svarede med en fejl: Der skal vælges værdier for variabel: ALDER"
    ]
    error = sources.parse_jobindsats(
        (DATA / "jobindsats-error.json").read_bytes(), {}, indicator_key="k", default_unit="X"
    )
    assert [p.text() for p in error.problems] == [
        "Jobindsats svarede med en fejl: Authorization has been denied for this request."
    ]
    broken = sources.parse_statbank(b"A;B\r\n1;2\r\n", STATBANK_CONFIG, indicator_key="k", default_unit="X")
    assert [p.text() for p in broken.problems] == [
        "Linje 1: Første linje skal indeholde variablerne, TID og INDHOLD (Statistikbankens BULK-format)."
    ]


JOBINDSATS_CONFIG = {
    "table": "y30r21",
    "area": ["Hjørring"],
    "filters": {"_ygrp_y30r21": ["Ydelsesgrupper i alt"]},
    "measure": "Faktisk antal",
}


def test_jobindsats_json_is_parsed_and_mapped(rw):
    config = JOBINDSATS_CONFIG | {"units": {"Hjørring": rw.units[0].code}}
    parsed = sources.parse_jobindsats(
        (DATA / "jobindsats-y30r21.json").read_bytes(), config, indicator_key="forsoergelse", default_unit="X"
    )
    assert parsed.problems == []
    assert [(r.period, r.value, r.status) for r in parsed.rows] == [
        ("2025K1", "1588", ""),
        ("2025K2", "1604", ""),
        ("2025K3", "..", "diskretioneret"),
        ("2025K4", "1561", ""),
    ]
    assert parsed.skipped == 8  # the other benefit group and Frederikshavn
    wanted = sources.new_periods(periods.parse_key("2025K4"), periods.parse_key("2026K2"))
    assert sources.jobindsats_request(config, wanted) == {
        "area": ["Hjørring"],
        "period": ["2026K1", "2026K2"],
        "_ygrp_y30r21": ["Ydelsesgrupper i alt"],
    }


@pytest.fixture
def statbank_indicator(rw):
    return services.indicator_create(
        organisation=rw.aby,
        actor="test",
        key="kontanthjaelp",
        name="Fuldtidsmodtagere af kontanthjælp",
        direction="lower",
        frequency="monthly",
        aggregation="none",
        responsible_unit=rw.units[0],
        source_kind=Source.STATBANK,
        source_config=STATBANK_CONFIG | {"units": {"860": rw.units[0].code}},
    )


def test_the_fetch_asks_for_new_periods_only_and_writes_nothing_twice(rw, statbank_indicator, monkeypatch):
    asked: list[dict] = []
    answer = (DATA / "statbank-AUK01-bulk.csv").read_bytes()

    def fake_post(url, payload, headers):
        asked.append(payload)
        return answer

    monkeypatch.setattr(sources, "http_post", fake_post)
    fetched = services.indicator_fetch(indicator=statbank_indicator, actor="test", today=TODAY)
    assert fetched.problems == []
    assert fetched.recorded.as_dict() == {"created": 12, "updated": 0, "unchanged": 0}
    assert asked[0]["variables"][-1] == {"code": "Tid", "values": ["*"]}
    suppressed = Measurement.objects.get(indicator=statbank_indicator, period="2025M07")
    assert (suppressed.value, suppressed.status, suppressed.source) == (None, "suppressed", "statbank")
    assert Figure.objects.get(indicator=statbank_indicator, period="2025M07").value is None
    before = counts()
    fetched = services.indicator_fetch(indicator=statbank_indicator, actor="test", today=TODAY)
    assert asked[1]["variables"][-1] == {"code": "Tid", "values": [">2025M12"]}
    assert fetched.recorded.as_dict() == {"created": 0, "updated": 0, "unchanged": 12}
    assert counts() == before


def test_a_failed_fetch_changes_nothing_and_is_logged(rw, statbank_indicator, monkeypatch):
    def refused(url, payload, headers):
        raise sources.SourceError("Kilden kunne ikke nås: timed out")

    monkeypatch.setattr(sources, "http_post", refused)
    fetched = services.indicator_fetch(indicator=statbank_indicator, actor="test", today=TODAY)
    assert fetched.problems == ["Kilden kunne ikke nås: timed out"]
    assert Measurement.objects.filter(indicator=statbank_indicator).count() == 0
    assert AuditEvent.objects.filter(action="results.fetch_failed").count() == 1
    assert Indicator.objects.get(pk=statbank_indicator.pk).last_fetched_at is not None


def test_the_fetch_command_reads_a_saved_answer(rw, statbank_indicator, capsys):
    call_command(
        "results_fetch", "aby", "--indicator", "kontanthjaelp", "--file", str(DATA / "statbank-AUK01-bulk.csv")
    )
    assert "kontanthjaelp: 12 nye, 0 reviderede, 0 uændrede" in capsys.readouterr().out
    call_command(
        "results_fetch", "aby", "--indicator", "kontanthjaelp", "--file", str(DATA / "statbank-AUK01-bulk.csv")
    )
    assert "kontanthjaelp: 0 nye, 0 reviderede, 12 uændrede" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Ingen organisation med kortnavnet »nej«"):
        call_command("results_fetch", "nej")


# --- the upload: preview, apply, idempotent ------------------------------------------------------------


def test_upload_previews_then_applies_and_the_same_file_twice_changes_nothing(rw, django_capture_on_commit_callbacks):
    u3 = rw.units[3].code
    month = rw.months[-1]
    data = csv(
        "Indikator;Enhed;Periode;Værdi;Nævner;Status",
        f"ventetid;{u3};{month.key};25;;",  # changed (was 28)
        f"ventetid;{u3};{month.shift(-1).key};29;;",  # unchanged
        f"ventetid;{u3};{month.shift(-5).key};31;;",  # new
    )
    before = counts()
    record = services.measurement_import_upload(
        organisation=rw.aby, data=data, filename="venteliste.csv", file_format="table", indicator=None, actor=rw.admin
    )
    assert record.status == ImportStatus.PREVIEWED
    assert record.summary["counts"] == {"new": 1, "changed": 1, "unchanged": 1}
    assert record.summary["changed"][0]["old"] == "28"
    assert counts() == before  # nothing changes before it is applied
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_import_start(record=record, actor=rw.admin)  # the task runs at once in tests
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert record.summary["result"] == {"created": 1, "updated": 1, "unchanged": 1}
    assert Measurement.objects.get(indicator=rw.waiting, unit=rw.units[3], period=month.key).value == Decimal(25)
    revision = MeasurementRevision.objects.get(indicator=rw.waiting, unit=rw.units[3], period=month.key)
    assert (revision.value, revision.version) == (Decimal(28), 1)
    # U1 adds up both branches: 25 + 58.
    assert Figure.objects.get(indicator=rw.waiting, unit=rw.units[1], period=month.key).value == Decimal(83)
    again = services.measurement_import_upload(
        organisation=rw.aby, data=data, filename="venteliste.csv", file_format="table", indicator=None, actor=rw.admin
    )
    assert again.summary["counts"] == {"new": 0, "changed": 0, "unchanged": 3}
    after = counts()
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_import_start(record=again, actor=rw.admin)
    assert counts() == after


def test_a_file_with_errors_changes_nothing_and_cannot_be_applied(rw):
    before = counts()
    record = services.measurement_import_upload(
        organisation=rw.aby,
        data=csv("Indikator;Enhed;Periode;Værdi", f"ventetid;{rw.units[3].code};2026M03;x"),
        filename="fejl.csv",
        file_format="table",
        indicator=None,
        actor=rw.admin,
    )
    assert record.status == ImportStatus.FAILED
    assert record.summary["problems"] == ["Linje 2, kolonnen »Værdi«: »x« er ikke et tal (skriv fx 12,5)."]
    with pytest.raises(services.ResultsError):
        services.measurement_import_start(record=record, actor=rw.admin)
    assert counts() == before


def test_apply_refuses_when_the_values_changed_since_the_preview(rw, django_capture_on_commit_callbacks):
    u3, month = rw.units[3], rw.months[-1]
    record = services.measurement_import_upload(
        organisation=rw.aby,
        data=csv("Indikator;Enhed;Periode;Værdi", f"ventetid;{u3.code};{month.key};20"),
        filename="a.csv",
        file_format="table",
        indicator=None,
        actor=rw.admin,
    )
    from kerne.results.tests.builders import entry
    from kerne.results.tests.builders import record as write

    write(rw.aby, entry(rw.waiting, u3, month, "21"))
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_import_start(record=record, actor=rw.admin)
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert "De gemte værdier er ændret siden forhåndsvisningen" in record.error
    assert counts() == before


def test_only_hr_uploads(rw):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.measurement_import_upload(
            organisation=rw.aby, data=b"x", filename="x.csv", file_format="table", indicator=None, actor=rw.users[1]
        )
    assert MeasurementImport.objects.count() == 0


def test_statbank_upload_goes_through_the_same_flow(rw, statbank_indicator):
    record = services.measurement_import_upload(
        organisation=rw.aby,
        data=(DATA / "statbank-AUK01-bulk.csv").read_bytes(),
        filename="auk01.csv",
        file_format="statbank",
        indicator=statbank_indicator,
        actor=rw.admin,
    )
    assert record.summary["counts"] == {"new": 12, "changed": 0, "unchanged": 0}
    assert record.summary["skipped"] == 36
    assert json.dumps(record.summary["new"][6]["value"], ensure_ascii=False) == '"diskretioneret"'


def test_the_clock_asks_each_source_once_a_day_unless_told_not_to(rw, statbank_indicator):
    import datetime as dt_

    from django.utils import timezone

    from kerne.results import clock

    now = timezone.now()
    assert clock.indicators_to_fetch(now) == [statbank_indicator.pk]
    Indicator.objects.filter(pk=statbank_indicator.pk).update(last_fetched_at=now - dt_.timedelta(hours=2))
    assert clock.indicators_to_fetch(now) == []
    assert clock.indicators_to_fetch(now + dt_.timedelta(days=1)) == [statbank_indicator.pk]
    Indicator.objects.filter(pk=statbank_indicator.pk).update(source_config=STATBANK_CONFIG | {"fetch": False})
    assert clock.indicators_to_fetch(now + dt_.timedelta(days=1)) == []
