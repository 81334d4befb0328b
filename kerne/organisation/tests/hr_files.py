"""A small HR file for the import tests: two forvaltninger, a school and a care centre, eight people.

Line numbers in the file: the header is line 1, so Kirsten (the kommunaldirektør) is line 2 and
Ida line 9. Units: K (Aby Kommune) → BU (Børn og Unge) → LS (Lindeskolen); K → SS (Social og
Sundhed) → PE (Plejecenter Egebakken).
"""

from __future__ import annotations

from kerne.organisation.hr_import import fold
from kerne.organisation.services import DEFAULT_ROLE_LEVELS

HEADER = (
    "Medarbejdernr;Navn;E-mail;Enhed;Enhedskode;Overordnet enhedskode;Leders medarbejdernr;Stillingsniveau;"
    "Startdato;Orlov"
)
PEOPLE = [
    "1000;Kirsten Holm;kirsten.holm@aby.dk;Aby Kommune;K;;;Kommunaldirektør;01-01-2010;nej",
    "1001;Bo Berg;bo.berg@aby.dk;Børn og Unge;BU;K;1000;Direktør;01-02-2012;nej",
    "1002;Anne Dahl;anne.dahl@aby.dk;Lindeskolen;LS;BU;1001;Leder af medarbejdere;15-08-2015;nej",
    "1003;Eva Eriksen;eva.eriksen@aby.dk;Lindeskolen;LS;BU;1002;Medarbejder;01-08-2020;nej",
    "1004;Finn Friis;finn.friis@aby.dk;Lindeskolen;LS;BU;1002;Medarbejder;01.08.2021;ja",
    "1005;Gitte Gade;gitte.gade@aby.dk;Social og Sundhed;SS;K;1000;Direktør;01-03-2011;nej",
    "1006;Hans Holm;hans.holm@aby.dk;Plejecenter Egebakken;PE;SS;1005;Leder af medarbejdere;01-01-2019;nej",
    "1007;Ida Iversen;ida.iversen@aby.dk;Plejecenter Egebakken;PE;SS;1006;Medarbejder;2022-05-01;",
]
ROLE_LEVELS = {fold(alias): name for key, name, _leads in DEFAULT_ROLE_LEVELS for alias in (key, name)}


def csv_text(people: list[str] | None = None, header: str = HEADER) -> str:
    return "\r\n".join([header, *(PEOPLE if people is None else people)]) + "\r\n"


def replace(line: int, old: str, new: str) -> list[str]:
    """PEOPLE with one substitution on the given file line (2 = the first person)."""
    people = list(PEOPLE)
    assert old in people[line - 2]
    people[line - 2] = people[line - 2].replace(old, new)
    return people
