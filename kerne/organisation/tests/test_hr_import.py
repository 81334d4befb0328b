"""Reading the HR file (pure): encodings, separators, headers, and every bad-file case in Danish."""

from __future__ import annotations

from datetime import date

import pytest

from kerne.organisation.hr_import import (
    ColumnMapping,
    check_rows,
    find_cycles,
    fold,
    header_key,
    parse_date,
    read_hr_file,
    sniff_delimiter,
)
from kerne.organisation.tests.hr_files import HEADER, PEOPLE, ROLE_LEVELS, csv_text, replace


def problems(data: bytes | str, **kwargs) -> list[str]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    hr_file = read_hr_file(raw, **kwargs)
    return [str(p) for p in check_rows(hr_file, role_levels=ROLE_LEVELS)]


def test_the_good_file_reads_into_rows_with_line_numbers():
    hr_file = read_hr_file(csv_text().encode("utf-8"))
    assert check_rows(hr_file, role_levels=ROLE_LEVELS) == []
    assert hr_file.encoding == "utf-8"
    assert hr_file.delimiter == ";"
    assert [row.line for row in hr_file.rows] == [2, 3, 4, 5, 6, 7, 8, 9]
    finn = hr_file.rows[4]
    assert (finn.employee_number, finn.name, finn.email, finn.unit_code, finn.parent_unit_code) == (
        "1004",
        "Finn Friis",
        "finn.friis@aby.dk",
        "LS",
        "BU",
    )
    assert (finn.manager_number, finn.role_level, finn.start_date, finn.on_leave) == (
        "1002",
        "Medarbejder",
        date(2021, 8, 1),
        True,
    )
    assert hr_file.rows[7].start_date == date(2022, 5, 1)
    assert hr_file.rows[7].on_leave is False  # an empty Orlov means "nej"
    assert hr_file.rows[1].unit_name == "Børn og Unge"


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
@pytest.mark.parametrize("delimiter", [";", ","])
def test_encodings_and_separators_are_detected(encoding, detected, delimiter):
    text = csv_text().replace(";", delimiter)
    hr_file = read_hr_file(text.encode(encoding))
    assert hr_file.problems == []
    assert (hr_file.encoding, hr_file.delimiter) == (detected, delimiter)
    assert [row.name for row in hr_file.rows][:2] == ["Kirsten Holm", "Bo Berg"]
    assert hr_file.rows[0].role_level == "Kommunaldirektør"
    assert hr_file.rows[1].unit_name == "Børn og Unge"
    assert hr_file.columns["employee_number"] == "Medarbejdernr"  # the BOM is not part of the header


def test_explicit_encoding_and_separator_override_detection():
    text = csv_text().replace(";", ",")
    hr_file = read_hr_file(text.encode("cp1252"), encoding="cp1252", delimiter=",")
    assert hr_file.problems == []
    assert hr_file.rows[1].unit_name == "Børn og Unge"


def test_wrong_explicit_encoding_names_the_line():
    data = csv_text().encode("cp1252")
    assert problems(data, encoding="utf-8") == [
        "linje 2: filen er ikke UTF-8-tekst. Vælg et andet tegnsæt, eller lad Kerne finde det."
    ]


def test_a_quoted_value_may_contain_the_separator_and_a_line_break():
    people = [PEOPLE[0], '1001;"Berg; Bo\nBertil";bo@aby.dk;Børn og Unge;BU;K;1000;Direktør;;', PEOPLE[2]]
    hr_file = read_hr_file(csv_text(people).encode())
    assert hr_file.rows[1].name == "Berg; Bo Bertil"
    assert [row.line for row in hr_file.rows] == [2, 3, 5]  # the quoted record spans lines 3-4


def test_header_variants_match_regardless_of_case_spaces_and_hyphens():
    header = (
        " medarbejdernummer ;NAVN;Email;Enhedsnavn;ENHEDSKODE;Overordnet enhed;Leder medarbejdernr;Niveau;"
        "Ansættelsesdato"
    )
    people = [";".join(p.split(";")[:9]) for p in PEOPLE]
    hr_file = read_hr_file(csv_text(people, header).encode())
    assert check_rows(hr_file, role_levels=ROLE_LEVELS) == []
    assert hr_file.columns["manager_number"] == "Leder medarbejdernr"
    assert hr_file.columns["role_level"] == "Niveau"
    assert not hr_file.has("on_leave")
    assert hr_file.rows[2].on_leave is None  # no Orlov column: the leave is left as it is


def test_extra_columns_are_ignored_and_order_is_free():
    header = (
        "Stillingsniveau;Navn;Afdeling;Lønklasse;Enhedskode;Overordnet enhedskode;Leders medarbejdernr;Medarbejdernr"
    )
    people = [
        "Kommunaldirektør;Kirsten Holm;Aby Kommune;48;K;;;1000",
        "Direktør;Bo Berg;Børn og Unge;45;BU;K;1000;1001",
    ]
    hr_file = read_hr_file(csv_text(people, header).encode())
    assert check_rows(hr_file, role_levels=ROLE_LEVELS) == []
    assert [(r.employee_number, r.unit_name, r.email) for r in hr_file.rows] == [
        ("1000", "Aby Kommune", ""),
        ("1001", "Børn og Unge", ""),
    ]


def test_a_configured_mapping_reads_another_systems_headers():
    header = "Lønnr;Navn;Mail;Enhed;Enhedskode;Overordnet enhedskode;Chef lønnr;Stillingsniveau"
    people = ["7;Kirsten Holm;k@aby.dk;Aby Kommune;K;;;Kommunaldirektør", "8;Bo Berg;b@aby.dk;BU;BU;K;7;Direktør"]
    mapping = ColumnMapping().with_headers(employee_number="Lønnr", manager_number=["Chef lønnr"])
    hr_file = read_hr_file(csv_text(people, header).encode(), mapping=mapping)
    assert check_rows(hr_file, role_levels=ROLE_LEVELS) == []
    assert [(r.employee_number, r.manager_number) for r in hr_file.rows] == [("7", ""), ("8", "7")]
    with pytest.raises(ValueError, match="Unknown column field"):
        ColumnMapping().with_headers(salary="Løn")


def test_role_levels_match_key_or_name_with_folded_letters():
    for value in (
        "Leder af medarbejdere",
        "leder-af-medarbejdere",
        "LEDER AF MEDARBEJDERE",
        "  leder  af medarbejdere",
    ):
        assert fold(value) in ROLE_LEVELS
    assert fold("Direktør") == fold("direktoer") == "direktoer"
    assert header_key("Leders medarbejdernr.") == "ledersmedarbejdernr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01-08-2021", date(2021, 8, 1)),
        ("1-8-2021", date(2021, 8, 1)),
        ("01.08.2021", date(2021, 8, 1)),
        ("01/08/2021", date(2021, 8, 1)),
        ("2021-08-01", date(2021, 8, 1)),
        ("31-02-2021", None),
        ("2021/08/01", None),
        ("august 2021", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_sniffing_prefers_the_sign_used_most():
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("a,b,c") == ","
    assert sniff_delimiter("a\tb\tc") == "\t"
    assert sniff_delimiter("Navn, fulde;Enhed;Kode") == ";"
    assert sniff_delimiter("Navn") == ";"


def test_find_cycles_lists_each_ring_once_in_walking_order():
    assert find_cycles({"a": "b", "b": "c", "c": "a", "d": "a", "e": "e", "f": "g"}) == [["a", "b", "c"], ["e"]]


REQUIRED_MISSING = (
    "linje 1: filen mangler de påkrævede kolonner 'Medarbejdernr', 'Enhed', 'Enhedskode', 'Overordnet enhedskode', "
    "'Leders medarbejdernr', 'Stillingsniveau'. Overskrifterne i filen er: 'Nummer', 'Navn', 'Sted'. "
    "Ret overskriftslinjen, eller angiv hvilken kolonne der indeholder hvad (kolonneopsætningen)."
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", ["Filen er tom."], id="empty-file"),
        pytest.param(b"\r\n \r\n", ["Filen er tom."], id="blank-file"),
        pytest.param(
            csv_text([]), ["Filen indeholder ingen personer: der er intet under overskriftslinjen."], id="header-only"
        ),
        pytest.param("Nummer;Navn;Sted\r\n1;Anne;Aby\r\n", [REQUIRED_MISSING], id="wrong-columns"),
        pytest.param(
            "Medarbejdernr|Navn|Enhed\r\n1|Anne|Aby\r\n",
            [
                "linje 1: filen mangler de påkrævede kolonner 'Medarbejdernr', 'Navn', 'Enhed', 'Enhedskode', "
                "'Overordnet enhedskode', 'Leders medarbejdernr', 'Stillingsniveau'. Overskrifterne i filen er: "
                "'Medarbejdernr|Navn|Enhed'. Ret overskriftslinjen, eller angiv hvilken kolonne der indeholder hvad "
                "(kolonneopsætningen).",
                "linje 1: der blev kun fundet én kolonne med semikolon som skilletegn. "
                "Er filen adskilt med et andet tegn?",
            ],
            id="wrong-separator",
        ),
        pytest.param(
            csv_text(header=HEADER + ";Email"),
            [
                "linje 1, felt Email: kolonnen for 'E-mail' findes to gange (også som 'E-mail'). Fjern den ene.",
            ],
            id="duplicate-column",
        ),
        pytest.param(
            csv_text(replace(5, "Eva Eriksen", "")),
            ["linje 5, felt Navn: feltet er tomt; det skal udfyldes."],
            id="missing-name",
        ),
        pytest.param(
            csv_text(replace(5, ";Medarbejder;", ";;")),
            ["linje 5, felt Stillingsniveau: feltet er tomt; det skal udfyldes."],
            id="missing-role-level",
        ),
        pytest.param(
            csv_text(replace(6, "1004;Finn", ";Finn")),
            ["linje 6, felt Medarbejdernr: feltet er tomt; det skal udfyldes."],
            id="missing-employee-number",
        ),
        pytest.param(
            csv_text(replace(6, ";LS;BU;1002;", ";;BU;1002;")),
            ["linje 6, felt Enhedskode: feltet er tomt; det skal udfyldes."],
            id="missing-unit-code",
        ),
        pytest.param(
            csv_text(replace(5, ";1002;Medarbejder", ";1042;Medarbejder")),
            [
                "linje 5, felt Leders medarbejdernr: lederen '1042' findes ikke i filen. "
                "Hver leder skal selv have en linje i filen; tjek nummeret."
            ],
            id="unknown-manager",
        ),
        pytest.param(
            csv_text(replace(4, ";1001;Leder", ";1003;Leder")),
            [
                "linje 4, felt Leders medarbejdernr: lederkæden går i ring: Anne Dahl (1002) → Eva Eriksen (1003) "
                "→ Anne Dahl (1002). Ret lederen for en af dem."
            ],
            id="manager-cycle",
        ),
        pytest.param(
            csv_text(replace(8, ";1005;Leder", ";1006;Leder")),
            [
                "linje 8, felt Leders medarbejdernr: Hans Holm står som sin egen leder. "
                "Udfyld lederens medarbejdernummer."
            ],
            id="own-manager",
        ),
        pytest.param(
            csv_text(replace(7, ";K;1000;Direktør", ";K;;Direktør")),
            [
                "linje 7, felt Leders medarbejdernr: feltet er tomt, men kun én person må stå uden leder (den øverste "
                "leder, fx kommunaldirektøren); det gør Kirsten Holm på linje 2 allerede. "
                "Udfyld lederens medarbejdernummer."
            ],
            id="second-top-person",
        ),
        pytest.param(
            csv_text(replace(6, "1004;Finn", "1003;Finn")),
            [
                "linje 6, felt Medarbejdernr: medarbejdernummeret '1003' står også på linje 5 (Eva Eriksen). "
                "Hver person må kun stå én gang."
            ],
            id="duplicate-employee-number",
        ),
        pytest.param(
            csv_text(replace(6, "finn.friis@", "eva.eriksen@")),
            [
                "linje 6, felt E-mail: e-mailadressen 'eva.eriksen@aby.dk' bruges også af Eva Eriksen på linje 5. "
                "To personer kan ikke dele en adresse (det er den, personen genkendes på ved log-ind)."
            ],
            id="duplicate-email",
        ),
        pytest.param(
            csv_text([p.replace(";PE;SS;", ";PE;SX;") for p in PEOPLE]),
            [
                "linje 8, felt Overordnet enhedskode: den overordnede enhed 'SX' findes ikke i filen. Hver overordnet "
                "enhed skal være enhed (Enhedskode) for mindst én person, fx dens leder."
            ],
            id="unknown-parent-unit",
        ),
        pytest.param(
            csv_text(replace(6, ";Lindeskolen;LS;", ";Lindeskolen afd. Nord;LS;")),
            ["linje 6, felt Enhed: enhedskoden 'LS' hedder 'Lindeskolen' på linje 4, men 'Lindeskolen afd. Nord' her."],
            id="unit-code-two-names",
        ),
        pytest.param(
            csv_text(replace(6, ";LS;BU;", ";LS;SS;")),
            [
                "linje 6, felt Overordnet enhedskode: enhedskoden 'LS' har den overordnede enhed 'BU' på linje 4, "
                "men 'SS' her. En enhed har kun én overordnet enhed."
            ],
            id="unit-code-two-parents",
        ),
        pytest.param(
            csv_text(replace(3, ";BU;K;", ";BU;LS;")),
            [
                "linje 3, felt Overordnet enhedskode: enhederne er hinandens overordnede i en ring: "
                "Børn og Unge (BU) → Lindeskolen (LS) → Børn og Unge (BU). Ret den overordnede enhed for en af dem."
            ],
            id="unit-cycle",
        ),
        pytest.param(
            csv_text(replace(5, "eva.eriksen@aby.dk", "eva.eriksen(at)aby.dk")),
            [
                "linje 5, felt E-mail: 'eva.eriksen(at)aby.dk' er ikke en gyldig e-mailadresse "
                "(forventet fx anne.hansen@kommune.dk)."
            ],
            id="malformed-email",
        ),
        pytest.param(
            csv_text(replace(5, ";Medarbejder;", ";Souschef;")),
            [
                "linje 5, felt Stillingsniveau: stillingsniveauet 'Souschef' kendes ikke. Brug et af: Medarbejder, "
                "Leder af medarbejdere, Leder af ledere, Chef, Direktør, Kommunaldirektør."
            ],
            id="unknown-role-level",
        ),
        pytest.param(
            csv_text(replace(5, "01-08-2020", "31-02-2020")),
            ["linje 5, felt Startdato: '31-02-2020' er ikke en dato. Skriv datoer som dd-mm-åååå, fx 01-08-2021."],
            id="bad-date",
        ),
        pytest.param(
            csv_text(replace(5, ";nej", ";måske")),
            ["linje 5, felt Orlov: 'måske' kan ikke forstås; skriv 'ja' eller 'nej' (tomt betyder 'nej')."],
            id="bad-leave",
        ),
        pytest.param(
            csv_text(replace(5, "Eva Eriksen", "Eriksen; Eva")),
            [
                "linje 5: linjen har 11 felter, men overskriftslinjen har 10. "
                "Tjek, om en værdi indeholder skilletegnet ';' uden anførselstegn."
            ],
            id="wrong-field-count",
        ),
        pytest.param(
            csv_text().encode("utf-8") + b"1008;Bad \x81 byte;;PE;PE;SS;1006;Medarbejder;;\r\n",
            [
                "linje 10: filen blander to tegnsæt: denne linje er Windows-1252, men linje 2 er UTF-8, så æ, ø og å "
                "ville blive forkerte. Gem hele filen igen i ét tegnsæt (CSV UTF-8).",
            ],
            id="undecodable",
        ),
    ],
)
def test_bad_files_get_line_precise_danish_messages(data, expected):
    assert problems(data) == expected


def test_every_problem_is_reported_at_once_in_line_order():
    people = replace(5, "eva.eriksen@aby.dk", "eva")
    people[5] = people[5].replace("01-03-2011", "2011-13-01")
    people[7] = people[7].replace(";1006;", ";4242;")
    assert problems(csv_text(people)) == [
        "linje 5, felt E-mail: 'eva' er ikke en gyldig e-mailadresse (forventet fx anne.hansen@kommune.dk).",
        "linje 7, felt Startdato: '2011-13-01' er ikke en dato. Skriv datoer som dd-mm-åååå, fx 01-08-2021.",
        "linje 9, felt Leders medarbejdernr: lederen '4242' findes ikke i filen. "
        "Hver leder skal selv have en linje i filen; tjek nummeret.",
    ]


def test_trailing_empty_fields_are_tolerated():
    people = [p + ";;" for p in PEOPLE]
    assert problems(csv_text(people)) == []


def test_a_long_ring_is_shortened_in_the_message():
    people = [f"{n};Person {n};;Enhed;E;;{n + 1 if n < 20 else 1};Medarbejder;;" for n in range(1, 21)]
    (message,) = problems(csv_text(people))
    assert message.startswith("linje 2, felt Leders medarbejdernr: lederkæden går i ring: Person 1 (1) → Person 2 (2)")
    assert "→ Person 11 (11) → … → Person 1 (1). Ret lederen for en af dem." in message
