"""A made-up Danish kommune as an HR export, for demos, tests and benchmarks (pure: no database).

`demo_people(seed=…, size=…)` builds the organisation: a kommunaldirektør, one direktør per
forvaltning (Børn og Unge, Social og Sundhed, Teknik og Miljø, Kultur og Fritid, Økonomi og
Personale, Arbejdsmarked og Borgerservice), chefer for the centres/områder, ledere af ledere for
the institutions (skoler, dagtilbud, plejecentre, hjemmepleje-distrikter …), ledere af medarbejdere
for the teams, and the employees. Spans of control follow the real ones: about 30 employees per
leader in eldercare, about 15 in administration. `demo_csv` writes it in the default Danish HR
format. The same seed and size always give the same bytes; nobody in it is a real person.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from kerne.organisation.hr_import import ColumnMapping

SIZES: dict[str, int] = {"small": 300, "medium": 5000, "kk": 45000}
MIN_SIZE = 60
# Start dates and "recent" hires are counted back from this day, so the output never depends on
# when it is generated. Pass as_of to move it.
DEMO_AS_OF = date(2026, 11, 1)

KOMMUNALDIREKTOER = "Kommunaldirektør"
DIREKTOER = "Direktør"
CHEF = "Chef"
LEDER_AF_LEDERE = "Leder af ledere"
LEDER_AF_MEDARBEJDERE = "Leder af medarbejdere"
MEDARBEJDER = "Medarbejder"


def size_of(size: str | int) -> int:
    """'small', 'medium', 'kk' or a number of people."""
    if isinstance(size, int) or str(size).isdigit():
        number = int(size)
    elif size in SIZES:
        number = SIZES[str(size)]
    else:
        raise ValueError(f"Unknown size {size!r}: use {', '.join(SIZES)} or a number.")
    if number < MIN_SIZE:
        raise ValueError(f"A demo kommune needs at least {MIN_SIZE} people.")
    return number


# --- the shape of a kommune --------------------------------------------------------------


@dataclass(frozen=True)
class Centre:
    """A centre/område under a forvaltning and the institutions and teams it runs."""

    name: str
    weight: float  # share of the forvaltning's employees
    institutions: tuple[str, ...]  # "{place}" is filled with a place name; fixed names are used first
    teams: tuple[str, ...]  # team names, used in turn; "{place}" and "{n}" are filled in
    teams_per_institution: tuple[int, int]
    span: tuple[int, int]  # employees per leader of employees
    women: float = 0.7


@dataclass(frozen=True)
class Forvaltning:
    name: str
    share: float  # share of the kommune's employees
    centres: tuple[Centre, ...]


ADMIN_SPAN = (12, 18)
CARE_SPAN = (26, 34)

FORVALTNINGER: tuple[Forvaltning, ...] = (
    Forvaltning(
        "Børn og Unge",
        0.37,
        (
            Centre(
                "Skoleområdet",
                0.45,
                ("{place}skolen",),
                ("Indskoling", "Mellemtrin", "Udskoling", "SFO", "Specialklasser", "Modtagelsesklasser"),
                (4, 6),
                (20, 28),
                0.68,
            ),
            Centre(
                "Dagtilbudsområdet",
                0.40,
                ("Dagtilbud {place}",),
                ("Børnehuset {place}", "Vuggestuen {place}", "Børnehaven {place}", "Naturbørnehaven {place}"),
                (5, 9),
                (18, 28),
                0.88,
            ),
            Centre(
                "Familie og Forebyggelse",
                0.15,
                ("Familiecentret", "Sundhedsplejen", "Pædagogisk Psykologisk Rådgivning", "Tandplejen"),
                ("Team {n}",),
                (3, 5),
                ADMIN_SPAN,
                0.85,
            ),
        ),
    ),
    Forvaltning(
        "Social og Sundhed",
        0.35,
        (
            Centre(
                "Plejecentre",
                0.45,
                ("Plejecenter {place}",),
                ("Afdeling Egen", "Afdeling Bøgen", "Afdeling Linden", "Afdeling Birken", "Afdeling Rønnen"),
                (4, 6),
                CARE_SPAN,
                0.87,
            ),
            Centre(
                "Hjemmeplejen",
                0.35,
                ("Hjemmepleje Nord", "Hjemmepleje Syd", "Hjemmepleje Øst", "Hjemmepleje Vest", "Hjemmepleje {place}"),
                ("Dagteam {n}", "Aftenteam", "Natteam", "Sygeplejen"),
                (5, 8),
                CARE_SPAN,
                0.86,
            ),
            Centre(
                "Handicap og Psykiatri",
                0.20,
                ("Bostedet {place}", "Botilbuddet {place}", "Aktivitetscentret {place}"),
                ("Bo-team {n}", "Nattevagter", "Aktivitetsteam"),
                (3, 5),
                (20, 28),
                0.75,
            ),
        ),
    ),
    Forvaltning(
        "Teknik og Miljø",
        0.08,
        (
            Centre(
                "Vej og Park",
                0.5,
                ("Driftsgården {place}",),
                ("Vejteam", "Parkteam", "Værksted", "Kirkegårde", "Renhold"),
                (3, 5),
                (14, 22),
                0.2,
            ),
            Centre(
                "Plan, Byg og Miljø",
                0.3,
                ("Byggesager", "Planlægning", "Natur og Miljø", "Trafik og Mobilitet"),
                ("Team {n}",),
                (2, 4),
                ADMIN_SPAN,
                0.55,
            ),
            Centre(
                "Ejendomme",
                0.2,
                ("Ejendomsdrift", "Rengøring", "Byggeprojekter"),
                ("Team {place}",),
                (2, 4),
                (14, 22),
                0.6,
            ),
        ),
    ),
    Forvaltning(
        "Kultur og Fritid",
        0.05,
        (
            Centre(
                "Biblioteker",
                0.5,
                ("Hovedbiblioteket", "{place} Bibliotek"),
                ("Børn og Unge", "Voksne", "Formidling", "Udlån"),
                (2, 3),
                (10, 16),
                0.7,
            ),
            Centre(
                "Kultur og Idræt",
                0.5,
                ("Musikskolen", "Kulturhuset", "{place} Idrætscenter", "{place} Svømmehal"),
                ("Team {n}",),
                (2, 4),
                (10, 16),
                0.55,
            ),
        ),
    ),
    Forvaltning(
        "Økonomi og Personale",
        0.07,
        (
            Centre(
                "Økonomi",
                0.35,
                ("Budget og Analyse", "Regnskab", "Indkøb og Udbud"),
                ("Team {n}",),
                (2, 4),
                ADMIN_SPAN,
                0.6,
            ),
            Centre(
                "HR og Personale",
                0.35,
                (
                    "Løn og Personaleadministration",
                    "Arbejdsmiljø og Rekruttering",
                    "Ledelses- og Organisationsudvikling",
                ),
                ("Team {n}",),
                (2, 4),
                ADMIN_SPAN,
                0.8,
            ),
            Centre(
                "Digitalisering og IT",
                0.30,
                ("IT-drift", "Digital Udvikling", "Informationssikkerhed"),
                ("Team {n}",),
                (2, 4),
                ADMIN_SPAN,
                0.35,
            ),
        ),
    ),
    Forvaltning(
        "Arbejdsmarked og Borgerservice",
        0.08,
        (
            Centre(
                "Jobcenter",
                0.6,
                ("Jobcenter {place}",),
                ("Ydelse", "Virksomhedsservice", "Unge", "Sygedagpenge", "Integration", "Rehabilitering"),
                (3, 5),
                ADMIN_SPAN,
                0.75,
            ),
            Centre(
                "Borgerservice",
                0.4,
                ("Borgerservice", "Ydelsescentret", "Opkrævning"),
                ("Team {n}",),
                (2, 4),
                ADMIN_SPAN,
                0.75,
            ),
        ),
    ),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Place-name parts; combined they give Danish-sounding names such as Egebakken or Kildevang.
_PLACE_FIRST = _words(
    """
    Ege Bøge Linde Aske Birke Elle Rønne Hassel Kilde Fjord Sø Mølle Kirke Skov Eng Mark Strand Nørre
    Sønder Vester Øster Høj Dal Lærke Rose Sol Hede Klint Lyng Mose Å Holme Tofte Grib Kær Bakke Vænge
    Æble Hyld Tjørne Ravns Trane Storke Hjorte Rævs Ulve Bjerg Vad Sand
    """
)
_PLACE_LAST = _words(
    """
    vang bakken høj skov gården lund dal holm toften engen marken haven ly parken bo vænget kær hus borg
    strand
    """
)

FIRST_NAMES_WOMEN = _words(
    """
    Anne Mette Kirsten Hanne Susanne Lene Maria Marianne Lone Camilla Pia Louise Charlotte Tina Gitte
    Bente Helle Karen Inge Anja Rikke Julie Sofie Emma Ida Laura Mia Anna Caroline Christina Dorte
    Birgitte Ulla Jette Vibeke Maja Line Tanja Heidi Trine Sanne Katrine Malene Stine Nina Lotte Karina
    Signe Cecilie Josefine Freja Clara Ella Alma Karla Astrid Agnes Nanna Sara Amalie Frederikke
    Mathilde Emilie Isabella Victoria Lærke Sidsel Ditte Bodil Grethe Jytte Lis Else Hanna Ingrid
    Solveig Tove Ruth Ellen Kamilla Winnie Dorthe Merete Annette Jane Janni Connie Tenna Marie Eva Randi
    Maiken Mona Nadia Fatima Aisha Yasmin Leila Amina Sabrina Ayse Elif Zeynep Natalia Agnieszka Joanna
    Anita Gunhild Kristina Helena Henriette Jeanette Benedikte Cathrine Pernille Sidse Tine Ane Rebekka
    Johanne Olivia Esther Liv Silje Vera Asta Inger Lisbeth Margrethe Birthe Hjørdis Linda Lena Mai
    Maibritt Susan Dina Mira Selma Ronja Thea Luna Nora Filippa Naja Malou Marlene Ursula Vivi Gerda
    Kirstine Mille Sofia Julia Elisabeth Annemette Kathrine Marina Stina Berit Gry Hella Iben Jonna Kaja
    Lykke Minna Oda Petra Rita Tenna Tilde Xenia Yvonne Åse
    """
)
FIRST_NAMES_MEN = _words(
    """
    Jens Peter Michael Lars Henrik Thomas Søren Jan Niels Christian Martin Rasmus Jesper Morten Anders
    Mads Mikkel Frederik Jakob Kasper Mathias Jonas Nikolaj Simon Kim Ole Hans Jørgen Per Poul Erik Bent
    Torben Flemming Finn Steen Carsten Claus Brian Allan Bo Kenneth René Dennis Jacob Emil Oliver
    William Noah Lucas Victor Magnus Oscar Alexander Sebastian Tobias Gustav Christoffer Daniel Kristian
    Troels Ulrik Kristoffer Bjarne Preben Leif Knud Svend Arne Aksel Carl Karl Villads Malthe Anton
    Johan Elias Theo Alfred Valdemar Esben Asger Bjørn Rune Palle Holger Ib Kurt Keld John Jimmi Tommy
    Ahmed Mohammed Ali Omar Hassan Mehmet Yusuf Ibrahim Tariq Piotr Tomasz Marek Stefan Steffen Sune Tue
    Ebbe Halfdan Otto August Hjalte Silas Sigurd Storm Bertram Benjamin Adam David Samuel Mark Patrick
    Philip Jeppe Lasse Nicolai Casper Jonathan Benny Jørn Verner Kaj Gert Erling Vagn Aage Egon Henning
    Gunnar Frank Johnny Max Mogens Ove Robert Sten Uffe Viggo Werner Alex Bastian Dan Eigil Frode Gorm
    Harald Ivan Jeppe Karsten Lauge Niklas Orla Rolf Sixten Tage Thorkild Vilhelm Åge
    """
)
LAST_NAMES = _words(
    """
    Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Petersen
    Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen Knudsen Jakobsen
    Jacobsen Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Schmidt Eriksen Holm Kristiansen
    Clausen Simonsen Svendsen Andreasen Iversen Jeppesen Vestergaard Mogensen Nissen Lauridsen Jespersen
    Frandsen Østergaard Søndergaard Kjær Dahl Berg Bertelsen Thygesen Nørgaard Bach Skov Friis Juhl Juul
    Kjeldsen Mathiesen Dam Carlsen Lassen Bruun Michelsen Beck Krogh Winther Lindberg Danielsen
    Thomassen Kjærgaard Overgaard Bang Nygaard Bech Hedegaard Ravn Bisgaard Mølgaard Enevoldsen Bojesen
    Brandt Lauritsen Gregersen Munk Steffensen Kofoed Kirkegaard Toft Vinther Holst Mørch Sand Klausen
    Villadsen Ahmed Ali Hussein Yilmaz Demir Kaya Khan Nowak Kowalski Hassan Rahman Abdi Mohamed Ibrahim
    Rask Gade Hald Bloch Fogh Brøndum Lykke Eskildsen Mouritsen Ebbesen Bonde Dalgaard Espersen Hjort
    Husted Kragh Lorentzen Markussen Nilsson Rosenberg Schou Thorsen Wulff Bager Bjerre Buch Busk
    Fischer Hougaard Ibsen Juel Kjeldgaard Koch Lange Lind Lynge Nørregaard Pallesen Qvist Riis Sommer
    Svane Tang Vad Westergaard Aagaard Abildgaard Agerskov Bak Baun Birk Borg Degn Due Dyhr Ehlers Falk
    Fisker Gram Grønbæk Hauge Hviid Kamp Kirk Kold Krag Kruse Leth Lyng Mose Nyborg Rosendahl Skytte
    Stampe Thrane Trolle Vang Wind Ørum Ager Bille Brink Bugge Bøgh Dreyer Enggaard Grue Hein Holck
    Jessen Kromann Lerche Lunde Mejer Nedergaard Pilgaard Refsgaard Sloth Stokholm Tolstrup Vedel Wolff
    Østerby Andersson Bækgaard Damgaard Eriksson Fuglsang Graversen Halvorsen Hvidberg Jepsen Kirkeby
    Lindholm Mikkelsen Nørby Obel Pihl Raun Rytter Sejersen Sigvardsen Skovgaard Stenstrup Søgaard
    Terkelsen Udsen Vestergård Vilstrup Yde Zacho Aaen Bendtsen Bundgaard Dideriksen Egholm Faber
    Gjerløv Haugaard Hyldgaard Isaksen Jakobsson Korsgaard Kvist Lorenzen Madsen-Holm Nordentoft Pagh
    Rohde Schrøder Sletting Storgaard Tranberg Ulriksen Weber
    """
)
MIDDLE_NAMES = _words(
    """
    Marie Louise Sofie Kristine Emilie Juul Holm Munk Dam Skov Bach Krogh Lund Friis Kjær Ravn Møller
    Bruun Lykke Storm Birk Due
    """
)


# --- the people ----------------------------------------------------------------------------


@dataclass
class DemoPerson:
    employee_number: str
    name: str
    email: str
    unit_code: str
    unit_name: str
    parent_unit_code: str
    manager_number: str
    role_level: str
    start_date: date
    on_leave: bool


@dataclass
class _Unit:
    code: str
    name: str
    parent: _Unit | None
    kind: str
    centre: Centre | None = None
    children: list[_Unit] = field(default_factory=list)
    employees: int = 0


class _Names:
    """Danish names with a realistic spread (many Jensens, few Zachos) and unique e-mail addresses."""

    def __init__(self, rng: random.Random, domain: str) -> None:
        self.rng = rng
        self.domain = domain
        self.used: set[str] = set()
        first_women = list(dict.fromkeys(FIRST_NAMES_WOMEN))
        first_men = list(dict.fromkeys(FIRST_NAMES_MEN))
        last = list(dict.fromkeys(LAST_NAMES))
        self.women = first_women
        self.men = first_men
        self.last = last
        self.w_women = [1 / (i + 8) for i in range(len(first_women))]
        self.w_men = [1 / (i + 8) for i in range(len(first_men))]
        self.w_last = [1 / (i + 2) ** 0.9 for i in range(len(last))]

    def person(self, women: float) -> tuple[str, str]:
        rng = self.rng
        female = rng.random() < women
        first = rng.choices(self.women if female else self.men, self.w_women if female else self.w_men)[0]
        last = rng.choices(self.last, self.w_last)[0]
        middle = ""
        if rng.random() < 0.22:
            middle = rng.choice(MIDDLE_NAMES[:5] if female and rng.random() < 0.5 else MIDDLE_NAMES[5:])
            if middle in (first, last):
                middle = ""
        name = " ".join(part for part in (first, middle, last) if part)
        return name, self.email(first, last)

    def email(self, first: str, last: str) -> str:
        base = f"{_ascii(first)}.{_ascii(last)}"
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}{n}"
        self.used.add(candidate)
        return f"{candidate}@{self.domain}"


_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", text.lower().translate(_ASCII).replace(" ", "-"))


def domain_for(kommune: str) -> str:
    """'Demo Kommune' -> 'demo-kommune.dk'."""
    return f"{_ascii(kommune)}.dk"


class _Places:
    """Place names drawn without repeats until all combinations are used."""

    def __init__(self, rng: random.Random) -> None:
        names = [f"{a}{b}" for a in _PLACE_FIRST for b in _PLACE_LAST]
        rng.shuffle(names)
        self.names = names
        self.index = 0

    def next(self) -> str:
        name = self.names[self.index % len(self.names)]
        rounds = self.index // len(self.names)
        self.index += 1
        return name if rounds == 0 else f"{name} {rounds + 1}"


def _fill(template: str, places: _Places, n: int) -> str:
    text = template.replace("{n}", str(n))
    if "{place}" in text:
        place = places.next()
        # "{place}skolen" wants the place glued on; "Plejecenter {place}" wants it as a word.
        text = text.replace("{place}", place)
    return text


def _build_tree(rng: random.Random, total: int, kommune: str) -> _Unit:
    codes = iter(range(10000, 10_000_000))
    places = _Places(rng)
    root = _Unit(str(next(codes)), kommune, None, "kommune")
    for forvaltning in FORVALTNINGER:
        unit = _Unit(str(next(codes)), forvaltning.name, root, "forvaltning")
        root.children.append(unit)
        employees = forvaltning.share * total
        # Small kommuner run fewer centres; each centre needs enough people to be worth a chef.
        count = max(1, min(len(forvaltning.centres), round(employees / 250)))
        centres = forvaltning.centres[:count]
        weights = sum(c.weight for c in centres)
        for centre in centres:
            centre_unit = _Unit(str(next(codes)), centre.name, unit, "centre", centre)
            unit.children.append(centre_unit)
            _build_institutions(rng, centre_unit, centre, employees * centre.weight / weights, codes, places)
    return root


def _build_institutions(
    rng: random.Random,
    centre_unit: _Unit,
    centre: Centre,
    employees: float,
    codes: Iterator[int],
    places: _Places,
) -> None:
    mean_span = sum(centre.span) / 2
    teams = max(1, round(employees / mean_span))
    low, high = centre.teams_per_institution
    fixed = [name for name in centre.institutions if "{place}" not in name]
    patterns = [name for name in centre.institutions if "{place}" in name] or [f"{centre.name} {{n}}"]
    index = 0
    while teams > 0:
        size = min(teams, rng.randint(low, high))
        teams -= size
        template = fixed[index] if index < len(fixed) else patterns[(index - len(fixed)) % len(patterns)]
        index += 1
        institution = _Unit(str(next(codes)), _fill(template, places, index), centre_unit, "institution", centre)
        centre_unit.children.append(institution)
        for number in range(1, size + 1):
            template = centre.teams[(number - 1) % len(centre.teams)]
            name = _fill(template, places, number)
            if number > len(centre.teams) and "{" not in template:
                name = f"{name} {(number - 1) // len(centre.teams) + 1}"
            team = _Unit(str(next(codes)), name, institution, "team", centre)
            team.employees = rng.randint(*centre.span)
            institution.children.append(team)


def _walk(unit: _Unit) -> Iterator[_Unit]:
    yield unit
    for child in unit.children:
        yield from _walk(child)


def _fit(root: _Unit, total: int) -> None:
    """Adjust the teams' sizes so the kommune has exactly `total` people, leaders included."""
    units = list(_walk(root))
    teams = [u for u in units if u.kind == "team"]
    leaders = len(units)
    missing = total - leaders - sum(t.employees for t in teams)
    step = 1 if missing > 0 else -1
    index = 0
    guard = 0
    while missing:
        team = teams[index % len(teams)]
        index += 1
        if step < 0 and team.employees <= 1:
            guard += 1
            if guard > len(teams):
                raise ValueError("Too few people for this many units.")
            continue
        guard = 0
        team.employees += step
        missing -= step


ROLE_OF_KIND = {
    "kommune": KOMMUNALDIREKTOER,
    "forvaltning": DIREKTOER,
    "centre": CHEF,
    "institution": LEDER_AF_LEDERE,
    "team": LEDER_AF_MEDARBEJDERE,
}


def demo_people(
    *, seed: int, size: str | int, kommune: str = "Demo Kommune", as_of: date = DEMO_AS_OF
) -> list[DemoPerson]:
    """The people of a made-up kommune, in tree order (every leader before the people they lead)."""
    total = size_of(size)
    rng = random.Random(f"kerne-demo-{seed}-{total}")  # noqa: S311 - repeatable made-up data, not secrets
    root = _build_tree(rng, total, kommune)
    _fit(root, total)
    numbers = iter(rng.sample(range(100000, 1000000), total))
    names = _Names(rng, domain_for(kommune))
    people: list[DemoPerson] = []
    leaders: dict[str, str] = {}  # unit code -> its leader's employee number

    def add(unit: _Unit, role: str, manager: str, women: float, leader: bool) -> str:
        name, email = names.person(women)
        number = str(next(numbers))
        people.append(
            DemoPerson(
                employee_number=number,
                name=name,
                email=email,
                unit_code=unit.code,
                unit_name=unit.name,
                parent_unit_code=unit.parent.code if unit.parent else "",
                manager_number=manager,
                role_level=role,
                start_date=_start_date(rng, as_of, leader),
                on_leave=False,
            )
        )
        return number

    for unit in _walk(root):
        women = unit.centre.women if unit.centre else 0.55
        manager = leaders.get(unit.parent.code, "") if unit.parent else ""
        leader = add(unit, ROLE_OF_KIND[unit.kind], manager, women, leader=True)
        leaders[unit.code] = leader
        for _ in range(unit.employees):
            add(unit, MEDARBEJDER, leader, women, leader=False)
    # About 2 % of the employees are on leave (barsel, orlov), chosen at random.
    employees = [p for p in people if p.role_level == MEDARBEJDER]
    for person in rng.sample(employees, round(0.02 * len(employees))):
        person.on_leave = True
    return people


def _start_date(rng: random.Random, as_of: date, leader: bool) -> date:
    """About 6 % started within the last three months; the rest over up to 40 years."""
    if not leader and rng.random() < 0.06:
        return as_of - timedelta(days=rng.randint(0, 89))
    years = min(40.0, rng.expovariate(1 / (12 if leader else 8)) + (2 if leader else 0))
    return as_of - timedelta(days=90 + math.floor(years * 365))


def demo_csv(
    *,
    seed: int,
    size: str | int,
    kommune: str = "Demo Kommune",
    encoding: str = "utf-8",
    as_of: date = DEMO_AS_OF,
) -> bytes:
    """The kommune as an HR export: Danish headers, ';', dd-mm-yyyy, CRLF; utf-8, utf-8-sig or cp1252."""
    mapping = ColumnMapping()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([mapping.label(name) for name in _COLUMNS])
    for p in demo_people(seed=seed, size=size, kommune=kommune, as_of=as_of):
        writer.writerow(
            [
                p.employee_number,
                p.name,
                p.email,
                p.unit_name,
                p.unit_code,
                p.parent_unit_code,
                p.manager_number,
                p.role_level,
                p.start_date.strftime("%d-%m-%Y"),
                "ja" if p.on_leave else "nej",
            ]
        )
    return buffer.getvalue().encode(encoding)


_COLUMNS = (
    "employee_number",
    "name",
    "email",
    "unit_name",
    "unit_code",
    "parent_unit_code",
    "manager_number",
    "role_level",
    "start_date",
    "on_leave",
)
