"""manage.py import_org and demo_organisation."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kerne.core.models import AuditEvent
from kerne.organisation.demo import demo_csv
from kerne.organisation.models import Organisation, Person, Position, Unit
from kerne.organisation.tests.factories import OrganisationFactory
from kerne.organisation.tests.hr_files import csv_text, replace

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(name="Aby Kommune", slug="aby")


@pytest.fixture
def hr_file(tmp_path):
    def write(people=None, name="ansatte.csv", encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(csv_text(people).encode(encoding))
        return str(path)

    return write


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_prints_the_difference_in_danish_and_changes_nothing(org, hr_file):
    output = run("import_org", "aby", hr_file(), "--show", "2")
    assert output.splitlines() == [
        "Fil: ansatte.csv · 8 personer · UTF-8 · semikolon",
        "Forskellen:",
        "  Nye personer: 8",
        "  Genansatte: 0",
        "  Ændrede: 0",
        "  Flyttede: 0",
        "  Fratrådte: 0",
        "  Nye enheder: 5",
        "  Ændrede enheder: 0",
        "  Lukkede enheder: 0",
        "",
        "Nye personer (de første 2 af 8):",
        "  linje 2: 1000 Kirsten Holm, Aby Kommune (K)",
        "  linje 3: 1001 Bo Berg, Børn og Unge (BU)",
        "",
        "Nye enheder (de første 2 af 5):",
        "  linje 2: K Aby Kommune",
        "  linje 3: BU Børn og Unge",
        "",
        "Intet er ændret. Kør igen med --apply for at gennemføre importen.",
    ]
    assert Person.objects.count() == Unit.objects.count() == Position.objects.count() == 0


def test_apply_imports_and_a_second_run_finds_nothing_to_change(org, hr_file):
    path = hr_file(encoding="cp1252")
    assert "Importen er gennemført." in run("import_org", "aby", path, "--apply")
    assert Person.objects.filter(organisation=org).count() == 8
    output = run("import_org", "aby", path)
    assert "Fil: ansatte.csv · 8 personer · CP1252 · semikolon" in output
    assert output.rstrip().endswith("Organisationen svarer allerede til filen; der er intet at ændre.")
    changed = hr_file(replace(5, "Lindeskolen;LS;BU;1002;", "Plejecenter Egebakken;PE;SS;1006;"), name="ny.csv")
    output = run("import_org", "aby", changed)
    assert "  linje 5: 1003 Eva Eriksen, Plejecenter Egebakken (PE): enhed Lindeskolen (LS) → Plejecenter" in output


def test_errors_are_listed_with_line_numbers_and_the_command_fails(org, hr_file):
    path = hr_file(replace(5, "eva.eriksen@aby.dk", "eva@"))
    out = StringIO()
    with pytest.raises(CommandError, match=r"^Importen er afvist: 1 fejl\.$"):
        call_command("import_org", "aby", path, "--apply", stdout=out)
    assert out.getvalue().splitlines()[1:] == [
        "Filen har 1 fejl; intet er ændret:",
        "  linje 5, felt E-mail: 'eva@' er ikke en gyldig e-mailadresse (forventet fx anne.hansen@kommune.dk).",
    ]
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="organisation.import_applied").exists()


def test_options_for_encoding_separator_and_columns(org, tmp_path):
    text = csv_text().replace("Medarbejdernr", "Lønnr").replace(";", ",")
    path = tmp_path / "loen.csv"
    path.write_bytes(text.encode("cp1252"))
    output = run(
        "import_org",
        "aby",
        str(path),
        "--encoding",
        "cp1252",
        "--delimiter",
        "comma",
        "--column",
        "employee_number=Lønnr",
    )
    assert output.startswith("Fil: loen.csv · 8 personer · CP1252 · komma")
    with pytest.raises(CommandError, match="--column skal have formen FELT=OVERSKRIFT"):
        run("import_org", "aby", str(path), "--column", "salary=Løn")


def test_unknown_organisation_or_file(org, hr_file):
    with pytest.raises(CommandError, match=re.escape("Ingen organisation har det korte navn 'nope'.")):
        run("import_org", "nope", hr_file())
    with pytest.raises(CommandError, match=r"Filen /findes/ikke\.csv kan ikke læses"):
        run("import_org", "aby", "/findes/ikke.csv")


def test_demo_organisation_writes_the_file_and_imports_it(tmp_path):
    path = tmp_path / "demo.csv"
    call_command(
        "demo_organisation", "--seed", "4", "--size", "small", "--csv", str(path), stdout=StringIO(), stderr=StringIO()
    )
    assert path.read_bytes() == demo_csv(seed=4, size="small")
    output = run("demo_organisation", "--seed", "4", "--size", "small", "--org", "demo", "--apply")
    assert "Importen er gennemført." in output
    org = Organisation.objects.get(slug="demo")
    assert org.name == "Demo Kommune"
    assert org.role_levels.count() == 6
    assert Person.objects.filter(organisation=org).count() == 300
    stdout = run("demo_organisation", "--seed", "4", "--size", "120")
    assert stdout.encode() == demo_csv(seed=4, size=120)
    with pytest.raises(CommandError, match="Unknown size"):
        run("demo_organisation", "--size", "huge")
