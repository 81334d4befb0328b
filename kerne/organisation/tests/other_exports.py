"""HR exports as other systems write them, for the import tests: nobody shaped these for Kerne.

- `split_names_cp1252()`: a Windows-1252 file from a payroll system (Danish Excel's "CSV (semikolon-
  separeret)"), the name in two columns (Fornavn, Efternavn), its own header names ("Lønnr",
  "Afd.nr.", "Nærmeste leder (lønnr)") and æ, ø, å in names and units.
- `comma_export()`: UTF-8 with BOM, commas, quoted values with commas inside ("Hansen, Anne"),
  English-ish headers and ISO dates.
- `broken_*`: the ways a real export goes wrong: a column missing, ragged lines, two encodings in
  one file, rows separated by commas under a semicolon header.
"""

from __future__ import annotations

SPLIT_HEADER = (
    "Lønnr;Fornavn;Efternavn;Mail;Afdeling;Afd.nr.;Overordnet afd.nr.;Nærmeste leder (lønnr);Stilling niveau;Ansat pr."
)
SPLIT_PEOPLE = [
    "5000;Søren;Ærø Kjær;soeren.kjaer@oeby.dk;Øby Kommune;100;;;Kommunaldirektør;01-01-2009",
    "5001;Åse;Østergård;aase.oestergaard@oeby.dk;Sundhed og Ældre;110;100;5000;Direktør;01-04-2013",
    "5002;Bjørn;Lærkegård Hansen;bjoern.hansen@oeby.dk;Plejecenter Åbo;111;110;5001;Leder af medarbejdere;15-08-2016",
    "5003;Mette;Frølund;mette.froelund@oeby.dk;Plejecenter Åbo;111;110;5002;Medarbejder;01-09-2020",
    "5004;Jens Peter;Møller;jp.moeller@oeby.dk;Plejecenter Åbo;111;110;5002;Medarbejder;01-02-2021",
    "5005;Ærtebjørg;Sø;;Plejecenter Åbo;111;110;5002;Medarbejder;01-03-2022",
]
# The columns HR chooses in the column step (the rest Kerne guesses from the headers).
SPLIT_CHOICE = {
    "employee_number": "Lønnr",
    "name": "Fornavn+Efternavn",
    "email": "Mail",
    "unit_name": "Afdeling",
    "unit_code": "Afd.nr.",
    "parent_unit_code": "Overordnet afd.nr.",
    "manager_number": "Nærmeste leder (lønnr)",
    "role_level": "Stilling niveau",
    "start_date": "Ansat pr.",
    "on_leave": "",
}


def split_names_cp1252(people: list[str] | None = None) -> bytes:
    lines = [SPLIT_HEADER, *(SPLIT_PEOPLE if people is None else people)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


COMMA_HEADER = "Employee ID,First name,Last name,Email,Department,Dept code,Parent dept,Manager ID,Level,Start date"
COMMA_PEOPLE = [
    '7000,Karen,"Holm, fhv. Dahl",karen.holm@cby.dk,Cby Kommune,C,,,Kommunaldirektør,2010-01-01',
    "7001,Lars,Lund,lars.lund@cby.dk,Teknik og Miljø,TM,C,7000,Direktør,2012-02-01",
    "7002,Nina,Nørgaard,nina.noergaard@cby.dk,Vej og Park,VP,TM,7001,Leder af medarbejdere,2016-08-15",
    "7003,Ole,Olsen,ole.olsen@cby.dk,Vej og Park,VP,TM,7002,Medarbejder,2021-05-01",
]
COMMA_CHOICE = {
    "employee_number": "Employee ID",
    "name": "First name+Last name",
    "email": "Email",
    "unit_name": "Department",
    "unit_code": "Dept code",
    "parent_unit_code": "Parent dept",
    "manager_number": "Manager ID",
    "role_level": "Level",
    "start_date": "Start date",
    "on_leave": "",
}


def comma_export() -> bytes:
    return "\ufeff".encode() + ("\r\n".join([COMMA_HEADER, *COMMA_PEOPLE]) + "\r\n").encode("utf-8")


def broken_missing_column() -> bytes:
    """The manager column was left out of the export."""
    header = SPLIT_HEADER.replace(";Nærmeste leder (lønnr)", "")
    people = [";".join(p.split(";")[:7] + p.split(";")[8:]) for p in SPLIT_PEOPLE]
    return ("\r\n".join([header, *people]) + "\r\n").encode("cp1252")


def broken_ragged() -> bytes:
    """Line 4 lost a field, line 6 has a name with the separator in it and no quotes."""
    people = list(SPLIT_PEOPLE)
    people[2] = people[2].replace(";15-08-2016", "")
    people[4] = people[4].replace("Jens Peter;Møller", "Jens Peter;Møller; jr.")
    return split_names_cp1252(people)


def broken_mixed_encoding() -> bytes:
    """Two exports pasted together: the first lines Windows-1252, the last ones UTF-8."""
    first = ("\r\n".join([SPLIT_HEADER, *SPLIT_PEOPLE[:4]]) + "\r\n").encode("cp1252")
    return first + ("\r\n".join(SPLIT_PEOPLE[4:]) + "\r\n").encode("utf-8")


def broken_separators() -> bytes:
    """The header is separated by semicolons, the rows by commas."""
    people = [p.replace(";", ",") for p in SPLIT_PEOPLE]
    return ("\r\n".join([SPLIT_HEADER, *people]) + "\r\n").encode("cp1252")
