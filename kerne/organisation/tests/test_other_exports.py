"""Exports from other HR systems: split names, Windows-1252, commas, and broken files, read and refused
in Danish with their line; the command joins columns and refuses a field given twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kerne.core.models import AuditEvent
from kerne.organisation.hr_import import (
    ColumnMapping,
    check_rows,
    choice_problems,
    guess_columns,
    read_head,
    read_hr_file,
)
from kerne.organisation.models import Person
from kerne.organisation.tests import other_exports as files
from kerne.organisation.tests.factories import OrganisationFactory
from kerne.organisation.tests.hr_files import ROLE_LEVELS


def problems(data: bytes, mapping: ColumnMapping | None = None) -> list[str]:
    hr_file = read_hr_file(data, mapping=mapping)
    return [str(p) for p in check_rows(hr_file, role_levels=ROLE_LEVELS)]


def test_a_name_in_two_columns_is_guessed_and_joined():
    hr_file = read_hr_file(files.split_names_cp1252(), mapping=ColumnMapping.from_choice(files.SPLIT_CHOICE))
    assert hr_file.encoding == "cp1252"
    assert hr_file.columns["name"] == "Fornavn + Efternavn"
    assert [r.name for r in hr_file.rows] == [
        "Søren Ærø Kjær",
        "Åse Østergård",
        "Bjørn Lærkegård Hansen",
        "Mette Frølund",
        "Jens Peter Møller",
        "Ærtebjørg Sø",
    ]
    assert check_rows(hr_file, role_levels=ROLE_LEVELS) == []


def test_the_guess_from_the_headers_and_what_is_left_to_choose():
    head = read_head(files.split_names_cp1252())
    guess = guess_columns(head.headers)
    assert guess == {
        "employee_number": "Lønnr",
        "name": "Fornavn+Efternavn",
        "email": "Mail",
        "unit_name": "Afdeling",
        "unit_code": "",
        "parent_unit_code": "",
        "manager_number": "",
        "role_level": "Stilling niveau",  # spelt nearly like "Stillingsniveau"
        "start_date": "",
        "on_leave": "",
    }
    assert choice_problems(guess, head.headers) == [
        "Vælg den kolonne, der indeholder 'Enhedskode'; Kerne skal bruge den.",
        "Vælg den kolonne, der indeholder 'Overordnet enhedskode'; Kerne skal bruge den.",
        "Vælg den kolonne, der indeholder 'Leders medarbejdernr'; Kerne skal bruge den.",
    ]
    # What HR chose last time comes first.
    assert guess_columns(head.headers, files.SPLIT_CHOICE) == files.SPLIT_CHOICE


def test_a_comma_export_with_quoted_commas_and_a_bom():
    hr_file = read_hr_file(files.comma_export(), mapping=ColumnMapping.from_choice(files.COMMA_CHOICE))
    assert (hr_file.encoding, hr_file.delimiter) == ("utf-8", ",")
    assert hr_file.rows[0].name == "Karen Holm, fhv. Dahl"
    assert hr_file.rows[3].start_date.isoformat() == "2021-05-01"
    assert check_rows(hr_file, role_levels=ROLE_LEVELS) == []


def test_a_chosen_column_that_is_not_in_the_file_is_named():
    choice = {**files.SPLIT_CHOICE, "name": "Fornavn+Mellemnavn+Efternavn", "email": "Arbejdsmail"}
    assert problems(files.split_names_cp1252(), ColumnMapping.from_choice(choice)) == [
        "linje 1: kolonnen 'Mellemnavn', der er valgt til 'Navn', findes ikke i filen. Overskrifterne i filen er: "
        "'Lønnr', 'Fornavn', 'Efternavn', 'Mail', 'Afdeling', 'Afd.nr.', 'Overordnet afd.nr.', "
        "'Nærmeste leder (lønnr)', 'Stilling niveau', 'Ansat pr.'.",
        "linje 1: kolonnen 'Arbejdsmail', der er valgt til 'E-mail', findes ikke i filen. Overskrifterne i filen er: "
        "'Lønnr', 'Fornavn', 'Efternavn', 'Mail', 'Afdeling', 'Afd.nr.', 'Overordnet afd.nr.', "
        "'Nærmeste leder (lønnr)', 'Stilling niveau', 'Ansat pr.'.",
    ]


def test_broken_export_a_missing_column():
    choice = {**files.SPLIT_CHOICE, "manager_number": ""}
    assert problems(files.broken_missing_column(), ColumnMapping.from_choice(choice)) == [
        "linje 1: der er ikke valgt en kolonne til 'Leders medarbejdernr', som Kerne skal bruge. Vælg den kolonne, "
        "der indeholder det."
    ]


def test_broken_export_ragged_lines():
    assert problems(files.broken_ragged(), ColumnMapping.from_choice(files.SPLIT_CHOICE)) == [
        "linje 4: linjen har 9 felter, men overskriftslinjen har 10. Tjek, om en værdi indeholder skilletegnet ';' "
        "uden anførselstegn.",
        "linje 6: linjen har 11 felter, men overskriftslinjen har 10. Tjek, om en værdi indeholder skilletegnet ';' "
        "uden anførselstegn.",
    ]


def test_broken_export_two_encodings():
    assert problems(files.broken_mixed_encoding()) == [
        "linje 1: filen blander to tegnsæt: denne linje er Windows-1252, men linje 6 er UTF-8, så æ, ø og å "
        "ville blive forkerte. Gem hele filen igen i ét tegnsæt (CSV UTF-8)."
    ]


def test_broken_export_rows_with_another_separator_than_the_header():
    found = problems(files.broken_separators(), ColumnMapping.from_choice(files.SPLIT_CHOICE))
    assert len(found) == 6
    assert found[0] == (
        "linje 2: linjen har 1 felter, men overskriftslinjen har 10: linjen er adskilt med komma, "
        "overskriftslinjen med semikolon. Gem filen igen med ét skilletegn."
    )


# --- manage.py import_org --column ---------------------------------------------------------------


@pytest.fixture
def oeby(db):
    return OrganisationFactory(name="Øby Kommune", slug="oeby")


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_joins_columns_with_plus(oeby, tmp_path):
    path = tmp_path / "løn.csv"
    path.write_bytes(files.split_names_cp1252())
    columns = [f"--column={name}={header}" for name, header in files.SPLIT_CHOICE.items()]
    output = run("import_org", "oeby", str(path), "--apply", *columns)
    assert "Importen er gennemført." in output
    assert sorted(Person.objects.filter(organisation=oeby).values_list("name", flat=True))[:2] == [
        "Bjørn Lærkegård Hansen",
        "Jens Peter Møller",
    ]


@pytest.mark.django_db
def test_the_command_refuses_a_field_given_twice_and_changes_nothing(oeby, tmp_path):
    path = tmp_path / "løn.csv"
    path.write_bytes(files.split_names_cp1252())
    with pytest.raises(CommandError) as caught:
        run("import_org", "oeby", str(path), "--apply", "--column", "name=Fornavn", "--column", "name=Efternavn")
    assert str(caught.value) == (
        "--column angiver feltet 'name' to gange (name=Fornavn og name=Efternavn). Angiv hvert felt én gang; "
        "skal det bygges af flere kolonner, så sæt dem sammen med +, fx --column name=Fornavn+Efternavn."
    )
    assert not Person.objects.filter(organisation=oeby).exists()
    assert not AuditEvent.objects.filter(action="organisation.import_applied").exists()
