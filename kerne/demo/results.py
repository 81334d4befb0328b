"""Demo data for result follow-up: indicators over two budget years, goals, committees, statuses.

The demo kommune's employment, children-and-young-people and elderly-care sectors get indicators
with targets for last year and this year and monthly (or quarterly, school-year, yearly) values
up to last month; last month's are provisional. Most values come in through Kerne's own file
import, the cash-benefit figures through a saved StatBank BULK answer (with one month suppressed
by Danmarks Statistik), and one value is revised after a committee saw it, so the committee's
status says so. Two cross-cutting goals (fewer long-term cash-benefit recipients, the youth
guarantee) and two committees with issued statuses (and one draft, with comments still due).

The demo's leaders answer for indicators: the chef of the schools, the leader of a care team,
and two logins added here (printed by bin/run with the others): the direktør for Social og
Sundhed and the leader of the care team's plejecenter, so a direktør and an institution leader
can see and comment at once. Values are made up and repeatable for a given seed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kerne.accounts.models import User
from kerne.accounts.services import user_create
from kerne.frameworks.models import Node
from kerne.organisation import selectors as org
from kerne.organisation.models import Organisation, Person, Unit
from kerne.results import periods, services
from kerne.results.models import (
    Aggregation,
    Comment,
    Direction,
    Frequency,
    ImportStatus,
    Indicator,
    Kind,
    Source,
    StatusReport,
)

ACTOR = "manage.py demo"
STATBANK_AREA = "999"  # the demo kommune's made-up municipality code in the saved StatBank answer
PASSWORD = "kerne-demo-2026"  # noqa: S105 - the published demo password (kerne.demo.services)


def demo_results(organisation: Organisation, hr: User, *, seed: int, today: dt.date | None = None) -> None:
    """Create the demo's result follow-up once (does nothing when the kommune has indicators)."""
    if Indicator.objects.filter(organisation=organisation).exists():
        return
    today = today or timezone.localdate()
    world = _World(organisation, today, random.Random(f"kerne-results-{seed}"))  # noqa: S311 - made-up data
    if world.root is None:
        return
    world.logins()
    world.indicators()
    world.measurements()
    world.goals()
    world.committees(hr)


class _World:
    def __init__(self, organisation: Organisation, today: dt.date, rng: random.Random) -> None:
        self.organisation = organisation
        self.today = today
        self.rng = rng
        self.units = list(org.units(organisation).order_by("path"))
        self.root = next((u for u in self.units if u.parent_id is None), None)
        self.by_id = {u.pk: u for u in self.units}
        self.last_month = periods.last_complete(today, periods.MONTHLY)
        self.this_year = self.last_month.start.year
        self.indicator: dict[str, Indicator] = {}
        self.rows: list[list[str]] = []
        self.leader_user: dict[int, User] = {}

    # --- the shape of the kommune --------------------------------------------------------------

    def sector(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.depth == 1 and u.name == name), None)

    def below(self, unit: Unit | None, depth: int) -> list[Unit]:
        if unit is None:
            return []
        return [u for u in self.units if u.path.startswith(unit.path) and u.depth == unit.depth + depth]

    def leader(self, unit: Unit | None) -> Person | None:
        if unit is None:
            return None
        position = (
            org.current_positions(self.organisation)
            .filter(unit=unit, role_level__is_leader=True)
            .select_related("person")
            .order_by("-role_level__rank")
            .first()
        )
        return position.person if position else None

    def staff(self, unit: Unit) -> int:
        return max(1, org.current_positions(self.organisation).filter(unit=unit).count())

    # --- logins -----------------------------------------------------------------------------------

    def logins(self) -> None:
        """A login for the direktør for Social og Sundhed and for the care team leader's institution leader."""
        team_leader = (
            User.objects.filter(organisation=self.organisation, person__isnull=False)
            .filter(
                person__positions__valid_to__isnull=True, person__positions__role_level__key="leder-af-medarbejdere"
            )
            .select_related("person")
            .first()
        )
        wanted: list[Person | None] = [self.leader(self.sector("Social og Sundhed"))]
        if team_leader is not None:
            position = org.current_position(self.organisation, team_leader.person)
            if position is not None and position.manager is not None:
                wanted.append(position.manager)
        for person in wanted:
            if person is None or User.objects.filter(person=person).exists():
                continue
            email = (person.email or "").lower()
            if not email or User.objects.filter(email__iexact=email).exists():
                email = f"leder-{person.employee_number}@demo-kommune.dk"
            user_create(email=email, organisation=self.organisation, person=person, password=PASSWORD, actor=ACTOR)
        for user in User.objects.filter(organisation=self.organisation, person__isnull=False).select_related("person"):
            position = org.current_position(self.organisation, user.person)
            if position is not None:
                self.leader_user[position.unit_id] = user

    # --- indicators -------------------------------------------------------------------------------

    def node(self, framework: str, key: str) -> Node | None:
        return Node.objects.filter(framework__slug=framework, key=key).first()

    def nodes(self, *keys: tuple[str, str]) -> list[Node]:
        return [n for n in (self.node(f, k) for f, k in keys) if n is not None]

    def add(self, key: str, unit: Unit | None, **fields: Any) -> Indicator | None:
        if unit is None:
            return None
        nodes = fields.pop("nodes", [])
        contributing = fields.pop("contributing", [])
        indicator = services.indicator_create(
            organisation=self.organisation,
            actor=ACTOR,
            key=key,
            responsible_unit=unit,
            contributing_units=[u for u in contributing if u is not None],
            framework_nodes=nodes,
            **fields,
        )
        indicator.position = len(self.indicator)
        indicator.save(update_fields=["position"])
        self.indicator[key] = indicator
        return indicator

    def indicators(self) -> None:
        work = self.sector("Arbejdsmarked og Borgerservice")
        children = self.sector("Børn og Unge")
        care = self.sector("Social og Sundhed")
        jobcentre = self.below(work, 1)[0] if self.below(work, 1) else work
        schools = self.below(children, 1)[0] if self.below(children, 1) else children
        care_centre = self.below(care, 1)[0] if self.below(care, 1) else care
        care_home = self.below(care, 2)[0] if self.below(care, 2) else care_centre
        driften = ("hjoerring-ledelse-af-kerneopgaven", "ha-styr-paa-driften")
        helheden = ("hjoerring-ledelse-af-kerneopgaven", "optimer-med-blik-for-helheden")
        samspil = ("hjoerring-ledelse-af-kerneopgaven", "vaer-i-samspil-med-omgivelserne")
        stabil = ("holstebro-social-og-sundhed", "stabil-drift")
        borger = ("holstebro-social-og-sundhed", "service-og-borger")
        sammenhaeng = ("holstebro-social-og-sundhed", "sammenhaeng")
        self.add(
            "langvarige-kontanthjaelpsmodtagere",
            jobcentre,
            name="Langvarige kontanthjælpsmodtagere",
            description=(
                "Borgere, der har modtaget kontanthjælp i mindst et år. "
                "Målet er færre og flere i kontakt med arbejdsmarkedet."
            ),
            unit_label="personer",
            direction=Direction.LOWER,
            frequency=Frequency.MONTHLY,
            kind=Kind.RESULT,
            aggregation=Aggregation.SUM,
            responsible_person=self.leader(jobcentre),
            central=True,
            data_source="Jobcentrets fagsystem",
            nodes=self.nodes(helheden, samspil, sammenhaeng),
        )
        self.add(
            "fuldtidsmodtagere-kontanthjaelp",
            work,
            name="Fuldtidsmodtagere af kontanthjælp (Danmarks Statistik)",
            description="Kommunens fuldtidsmodtagere af kontanthjælp efter Danmarks Statistik.",
            unit_label="fuldtidspersoner",
            direction=Direction.LOWER,
            frequency=Frequency.MONTHLY,
            kind=Kind.KEY_FIGURE,
            aggregation=Aggregation.NONE,
            responsible_person=self.leader(work),
            data_source="Danmarks Statistik, tabel AUK01",
            source_kind=Source.STATBANK,
            source_config={
                "table": "AUK01",
                "variables": {"OMRÅDE": [STATBANK_AREA], "YDELSESTYPE": ["TOT"]},
                "area": "OMRÅDE",
                "units": {STATBANK_AREA: work.code} if work else {},
                "fetch": False,  # the demo kommune is made up: its saved answer is imported, not fetched
            },
            nodes=self.nodes(helheden),
        )
        self.add(
            "unge-i-job-eller-uddannelse",
            work,
            name="Unge (15–24 år) i job eller uddannelse",
            description="Andelen af de unge, kommunen følger, der er i job eller uddannelse (Ungegarantien).",
            unit_label="%",
            decimals=1,
            direction=Direction.HIGHER,
            frequency=Frequency.MONTHLY,
            kind=Kind.RESULT,
            aggregation=Aggregation.MEAN,
            responsible_person=self.leader(work),
            central=True,
            data_source="Ungeindsatsens opgørelse",
            contributing=[schools],
            nodes=self.nodes(samspil, sammenhaeng),
        )
        self.add(
            "offentlig-forsoergelse-forventet-faktisk",
            work,
            name="Fuldtidspersoner på offentlig forsørgelse, faktisk mod forventet",
            description="Faktisk antal mod det forventede ud fra kommunens rammevilkår (Jobindsats' benchmark).",
            unit_label="fuldtidspersoner",
            direction=Direction.LOWER,
            frequency=Frequency.QUARTERLY,
            kind=Kind.EXPECTED,
            aggregation=Aggregation.NONE,
            responsible_person=self.leader(work),
            data_source="Jobindsats, tabel y30r21",
            source_kind=Source.JOBINDSATS,
            source_config={
                "table": "y30r21",
                "area": ["Demo Kommune"],
                "filters": {"_ygrp_y30r21": ["Ydelsesgrupper i alt"]},
                "measure": "Faktisk antal",
                "units": {"Demo Kommune": work.code} if work else {},
                "fetch": False,
            },
            nodes=self.nodes(helheden),
        )
        self.add(
            "elevfravaer",
            schools,
            name="Elevfravær i folkeskolen",
            description="Elevernes samlede fravær i procent af skoledagene.",
            unit_label="%",
            decimals=1,
            direction=Direction.LOWER,
            frequency=Frequency.MONTHLY,
            kind=Kind.RESULT,
            aggregation=Aggregation.MEAN,
            responsible_person=self.leader(schools),
            central=True,
            data_source="Skolernes elevadministration",
            nodes=self.nodes(driften, borger),
        )
        self.add(
            "dansk-og-matematik-9-klasse",
            schools,
            name="Elever i 9. klasse med mindst 02 i dansk og matematik",
            unit_label="%",
            decimals=1,
            direction=Direction.HIGHER,
            frequency=Frequency.SCHOOL_YEAR,
            kind=Kind.RESULT,
            aggregation=Aggregation.MEAN,
            responsible_person=self.leader(schools),
            central=True,
            data_source="Børne- og Undervisningsministeriets datavarehus",
            nodes=self.nodes(helheden),
        )
        self.add(
            "sygefravaer",
            self.root,
            name="Sygefravær",
            description="Sygefravær i procent af den aftalte arbejdstid.",
            unit_label="%",
            decimals=1,
            direction=Direction.LOWER,
            frequency=Frequency.MONTHLY,
            kind=Kind.KEY_FIGURE,
            aggregation=Aggregation.MEAN,
            central=True,
            data_source="Løn- og fraværssystemet",
            nodes=self.nodes(driften, stabil),
        )
        self.add(
            "faldulykker-plejecentre",
            care_home,
            name="Faldulykker på plejecentret",
            description="Registrerede faldulykker blandt beboerne.",
            unit_label="faldulykker",
            direction=Direction.LOWER,
            frequency=Frequency.MONTHLY,
            kind=Kind.MEASUREMENT,
            aggregation=Aggregation.SUM,
            responsible_person=self.leader(care_home),
            central=True,
            data_source="Utilsigtede hændelser (DPSD)",
            nodes=self.nodes(driften, stabil),
        )
        self.add(
            "vikarforbrug",
            care_home,
            name="Vikarforbrug",
            description="Vikartimer i procent af de planlagte timer.",
            unit_label="%",
            decimals=1,
            direction=Direction.LOWER,
            frequency=Frequency.MONTHLY,
            kind=Kind.KEY_FIGURE,
            aggregation=Aggregation.MEAN,
            responsible_person=self.leader(care_home),
            data_source="Vagtplanen",
            nodes=self.nodes(driften, stabil),
        )
        self.add(
            "genindlaeggelser-65",
            care,
            name="Forebyggelige genindlæggelser (65+)",
            description="Forebyggelige genindlæggelser pr. 1.000 borgere på 65 år og derover.",
            unit_label="pr. 1.000",
            decimals=1,
            direction=Direction.LOWER,
            frequency=Frequency.QUARTERLY,
            kind=Kind.RESULT,
            aggregation=Aggregation.NONE,
            responsible_person=self.leader(care),
            central=True,
            data_source="Sundhedsdatastyrelsen",
            nodes=self.nodes(helheden, sammenhaeng),
        )
        self.add(
            "beboertilfredshed",
            care_centre,
            name="Beboere og pårørende, der er tilfredse med plejecentret",
            unit_label="%",
            decimals=0,
            direction=Direction.HIGHER,
            frequency=Frequency.YEARLY,
            kind=Kind.RESULT,
            aggregation=Aggregation.MEAN,
            responsible_person=self.leader(care_centre),
            data_source="Brugertilfredshedsundersøgelsen",
            nodes=self.nodes(borger),
        )
        self.targets()

    def targets(self) -> None:
        year, last = self.this_year, self.this_year - 1
        plan: dict[str, list[tuple[str, str]]] = {
            "langvarige-kontanthjaelpsmodtagere": [(str(last), "260"), (str(year), "225")],
            "fuldtidsmodtagere-kontanthjaelp": [(str(last), "610"), (str(year), "570")],
            "unge-i-job-eller-uddannelse": [(str(last), "82"), (str(year), "86")],
            "elevfravaer": [(str(last), "7,0"), (str(year), "6,2")],
            "dansk-og-matematik-9-klasse": [(f"{last - 1}/{last % 100:02d}", "86"), (f"{last}/{year % 100:02d}", "89")],
            "sygefravaer": [(str(last), "6,0"), (str(year), "5,4")],
            "faldulykker-plejecentre": [(str(last), "14"), (str(year), "11")],
            "vikarforbrug": [(str(last), "9,0"), (str(year), "7,5")],
            "genindlaeggelser-65": [(str(last), "45"), (str(year), "40")],
            "beboertilfredshed": [(str(last), "85"), (str(year), "88")],
        }
        for key, targets in plan.items():
            indicator = self.indicator.get(key)
            if indicator is None:
                continue
            for period, value in targets:
                services.target_set(
                    indicator=indicator, period=period, value=Decimal(value.replace(",", ".")), actor=ACTOR
                )
        expected = self.indicator.get("offentlig-forsoergelse-forventet-faktisk")
        if expected is not None:
            # Expected against actual: the expected number is the target of each quarter.
            for quarter in self._periods(periods.QUARTERLY):
                index = periods.month_index(quarter.start) - periods.month_index(dt.date(self.this_year - 1, 1, 1))
                expected_value = Decimal(1640 - index * 6)
                services.target_set(indicator=expected, period=quarter.key, value=expected_value, actor=ACTOR)

    # --- values -------------------------------------------------------------------------------------

    def _periods(self, frequency: str) -> list[periods.Period]:
        first = periods.containing(dt.date(self.this_year - 1, 1, 1), frequency)
        if frequency == periods.YEARLY:
            first = first.shift(-1)  # yearly values from the year before too: the first year's baseline
        if frequency == periods.SCHOOL_YEAR:
            first = periods.containing(dt.date(self.this_year - 2, 8, 1), frequency)
        last = periods.last_complete(self.today, frequency)
        found = []
        current = first
        while current <= last:
            found.append(current)
            current = current.shift(1)
        return found

    def _walk(
        self,
        key: str,
        unit: Unit | None,
        *,
        start: float,
        end: float,
        noise: float,
        decimals: int = 0,
        season: float = 0.0,
        denominator: float | None = None,
        frequency: str = periods.MONTHLY,
    ) -> None:
        """Values from `start` towards `end` over the two years, with noise and a winter bump."""
        if unit is None or key not in self.indicator:
            return
        series = self._periods(frequency)
        steps = max(len(series) - 1, 1)
        for index, period in enumerate(series):
            winter = math.cos((period.start.month - 1) / 12 * 2 * math.pi) if frequency == periods.MONTHLY else 0
            value = start + (end - start) * index / steps + season * winter + self.rng.gauss(0, noise)
            value = max(value, 0)
            status = "foreløbig" if period == series[-1] and frequency == periods.MONTHLY else ""
            text = f"{value:.{decimals}f}".replace(".", ",")
            weight = (
                "" if denominator is None else str(max(1, round(denominator * (1 + self.rng.uniform(-0.03, 0.03)))))
            )
            self.rows.append([key, unit.code, period.key, text, weight, status])

    def measurements(self) -> None:
        work = self.sector("Arbejdsmarked og Borgerservice")
        children = self.sector("Børn og Unge")
        care = self.sector("Social og Sundhed")
        job_teams = self.below(work, 3)
        for index, team in enumerate(job_teams):
            share = 1 / len(job_teams)
            self._walk(
                "langvarige-kontanthjaelpsmodtagere",
                team,
                start=272 * share * (1.15 if index == 0 else 0.85 if len(job_teams) > 1 else 1),
                end=238 * share * (1.1 if index == 0 else 0.9 if len(job_teams) > 1 else 1),
                noise=2.5,
            )
        if job_teams:
            self._walk(
                "unge-i-job-eller-uddannelse", job_teams[-1], start=78, end=83, noise=1.2, decimals=1, denominator=140
            )
        for school in self.below(children, 2):
            self._walk("unge-i-job-eller-uddannelse", school, start=84, end=87, noise=1.0, decimals=1, denominator=60)
            self._walk(
                "elevfravaer",
                school,
                start=7.6,
                end=6.9,
                noise=0.35,
                decimals=1,
                season=0.6,
                denominator=self.staff(school) * 12 + 200,
            )
            self._walk(
                "dansk-og-matematik-9-klasse",
                school,
                start=84,
                end=88,
                noise=1.5,
                decimals=1,
                denominator=55,
                frequency=periods.SCHOOL_YEAR,
            )
        for team in [u for u in self.units if u.depth == 4]:
            self._walk(
                "sygefravaer",
                team,
                start=6.6,
                end=5.6,
                noise=0.5,
                decimals=1,
                season=0.5,
                denominator=self.staff(team) * 0.85,
            )
        care_home = (
            self.indicator["faldulykker-plejecentre"].responsible_unit
            if "faldulykker-plejecentre" in self.indicator
            else None
        )
        for team in self.below(care_home, 1) if care_home else []:
            self._walk("faldulykker-plejecentre", team, start=4.0, end=3.2, noise=0.9, season=0.4)
            self._walk(
                "vikarforbrug", team, start=10.5, end=8.4, noise=0.8, decimals=1, denominator=self.staff(team) * 130
            )
        self._walk("genindlaeggelser-65", care, start=47, end=43, noise=1.0, decimals=1, frequency=periods.QUARTERLY)
        centre = self.indicator["beboertilfredshed"].responsible_unit if "beboertilfredshed" in self.indicator else None
        for home in self.below(centre, 1) if centre else []:
            self._walk("beboertilfredshed", home, start=83, end=86, noise=1.0, denominator=80, frequency=periods.YEARLY)
        # Kerne's own file format, through the import: preview, then apply.
        self._import("demo-maalinger.csv", self._csv(self.rows))
        self._statbank(work)
        self._jobindsats(work)

    @staticmethod
    def _csv(rows: Iterable[list[str]]) -> bytes:
        lines = ["Indikator;Enhed;Periode;Værdi;Nævner;Status", *(";".join(row) for row in rows)]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")

    def _import(
        self, filename: str, data: bytes, *, file_format: str = "table", indicator: Indicator | None = None
    ) -> None:
        record = services.measurement_import_upload(
            organisation=self.organisation,
            data=data,
            filename=filename,
            file_format=file_format,
            indicator=indicator,
            actor=ACTOR,
            today=self.today,
        )
        if record.status != ImportStatus.PREVIEWED:
            raise RuntimeError(f"The demo's {filename} does not import: {record.summary.get('problems')}")
        record.status = ImportStatus.RUNNING
        record.save(update_fields=["status"])
        services.measurement_import_run(import_id=record.pk, today=self.today)

    def _statbank(self, work: Unit | None) -> None:
        """A saved StatBank BULK answer (AUK01) for the kommune, with one month suppressed."""
        indicator = self.indicator.get("fuldtidsmodtagere-kontanthjaelp")
        if indicator is None or work is None:
            return
        lines = ["OMRÅDE;YDELSESTYPE;TID;INDHOLD"]
        series = self._periods(periods.MONTHLY)[:-1]  # Danmarks Statistik publishes a month later
        for index, period in enumerate(series):
            value = 640 - index * 2.6 + self.rng.gauss(0, 6)
            shown = ".." if index == len(series) - 5 else str(round(value))
            lines.append(f"{STATBANK_AREA};TOT;{period.key};{shown}")
            lines.append(f"{STATBANK_AREA};LANG;{period.key};{round(value * 0.4)}")  # not the indicator's selection
        self._import(
            "statbank-AUK01.csv",
            ("\r\n".join(lines) + "\r\n").encode("utf-8"),
            file_format="statbank",
            indicator=indicator,
        )

    def _jobindsats(self, work: Unit | None) -> None:
        indicator = self.indicator.get("offentlig-forsoergelse-forventet-faktisk")
        if indicator is None or work is None:
            return
        import json

        data = []
        for index, quarter in enumerate(self._periods(periods.QUARTERLY)):
            expected = 1640 - index * 3 * 6
            actual = expected + round(self.rng.gauss(-10, 18))
            data.append(["Demo Kommune", quarter.key, "Ydelsesgrupper i alt", str(expected), str(actual)])
        payload = [
            {
                "Variables": [
                    {"Name": "area", "Label": "Område"},
                    {"Name": "period", "Label": "Periode"},
                    {"Name": "_ygrp_y30r21", "Label": "Ydelsesgrupper"},
                    {"Name": "y30r21_a", "Label": "Forventet antal"},
                    {"Name": "y30r21_b", "Label": "Faktisk antal"},
                ],
                "Data": data,
            }
        ]
        self._import(
            "jobindsats-y30r21.json",
            json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            file_format="jobindsats",
            indicator=indicator,
        )

    # --- comments, goals, committees ---------------------------------------------------------------

    def comment(self, key: str, unit: Unit | None, text: str, period: periods.Period, on: dt.date) -> None:
        indicator = self.indicator.get(key)
        if indicator is None or unit is None:
            return
        user = self.leader_user.get(unit.pk)
        person = indicator.responsible_person
        if user is None and person is not None and indicator.responsible_unit_id == unit.pk:
            user = User.objects.filter(person=person).first()
        leader = self.leader(unit)
        author = user.person.name if user is not None and user.person else (leader.name if leader else "")
        comment, _created = Comment.objects.update_or_create(
            indicator=indicator,
            unit=unit,
            period_start=period.start,
            defaults={"period": period.key, "text": text, "author": user, "author_name": author},
        )
        stamp = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 0)))
        Comment.objects.filter(pk=comment.pk).update(created_at=stamp, updated_at=stamp)

    def goals(self) -> None:
        work = self.sector("Arbejdsmarked og Borgerservice")
        children = self.sector("Børn og Unge")
        if self.root is None or work is None:
            return
        job_teams = self.below(work, 3)
        contributions = [
            "Jobrettede samtaler hver måned og virksomhedspraktik for alle, der kan.",
            "Virksomhedskonsulenterne finder job og småjob sammen med virksomhederne.",
            "Helhedsorienterede forløb med sundhed og social indsats for dem, der er længst fra arbejdsmarkedet.",
        ]
        indicator = self.indicator.get("langvarige-kontanthjaelpsmodtagere")
        if indicator is not None:
            services.goal_create(
                organisation=self.organisation,
                name="Færre langvarige kontanthjælpsmodtagere",
                description=(
                    "At reducere antallet af langvarige kontanthjælpsmodtagere og at bringe flere i kontakt med "
                    "arbejdsmarkedet – sammen på tværs af afdelinger, institutioner og eksterne aktører."
                ),
                unit=self.root,
                owner=self.leader(work),
                indicators=[indicator],
                participants=[(team, contributions[i % len(contributions)]) for i, team in enumerate(job_teams)],
                actors=[
                    ("Virksomhederne i kommunen", "Praktikpladser, løntilskud og småjob."),
                    ("A-kasserne", "Fælles samtaler ved overgang fra dagpenge."),
                    ("Sprogcentret", "Danskundervisning kombineret med praktik."),
                ],
                actor=ACTOR,
            )
        youth = self.indicator.get("unge-i-job-eller-uddannelse")
        if youth is not None:
            schools = self.below(children, 2)
            participants = (
                [(job_teams[-1], "Ungeindsatsen: kontakt til alle unge uden job eller uddannelse inden for en uge.")]
                if job_teams
                else []
            )
            participants += [(school, "Brobygning og uddannelsesvejledning i udskolingen.") for school in schools]
            services.goal_create(
                organisation=self.organisation,
                name="Ungegarantien",
                description=(
                    "Kommunens ”Ungegaranti” sigter mod at bistå alle unge med at komme i job eller uddannelse."
                ),
                unit=self.root,
                owner=self.leader(work),
                indicators=[youth],
                participants=participants,
                actors=[
                    ("Erhvervsskolen", "Åbne værksteder og praktikpladssøgning."),
                    ("Gymnasiet", "Fastholdelse af elever i risiko for frafald."),
                    ("Kommunal ungeindsats (KUI)", "Én plan for hver ung."),
                ],
                actor=ACTOR,
            )

    def committees(self, hr: User) -> None:
        work = self.sector("Arbejdsmarked og Borgerservice")
        care = self.sector("Social og Sundhed")
        year = self.this_year
        pick = self.indicator.get
        employment = services.committee_create(
            organisation=self.organisation,
            name="Beskæftigelsesudvalget",
            cadence="quarterly",
            owner=self.leader(work),
            due_days=30,
            reminder_days=14,
            lines=[
                (i, None)
                for i in (
                    pick("langvarige-kontanthjaelpsmodtagere"),
                    pick("fuldtidsmodtagere-kontanthjaelp"),
                    pick("unge-i-job-eller-uddannelse"),
                    pick("offentlig-forsoergelse-forventet-faktisk"),
                )
                if i is not None
            ],
            actor=ACTOR,
        )
        elderly = services.committee_create(
            organisation=self.organisation,
            name="Ældre- og Sundhedsudvalget",
            cadence="monthly",
            owner=self.leader(care),
            due_days=21,
            reminder_days=21,
            lines=[
                (i, u)
                for i, u in (
                    (pick("faldulykker-plejecentre"), None),
                    (pick("vikarforbrug"), None),
                    (pick("genindlaeggelser-65"), None),
                    (pick("sygefravaer"), care),
                )
                if i is not None
            ],
            actor=ACTOR,
        )
        long_term, falls = pick("langvarige-kontanthjaelpsmodtagere"), pick("faldulykker-plejecentre")
        jobcentre = long_term.responsible_unit if long_term is not None else None
        care_home = falls.responsible_unit if falls is not None else None
        texts = {
            "langvarige-kontanthjaelpsmodtagere": (
                "Vi er bagud i forhold til målet. Flere er kommet i småjob, men tilgangen fra sygedagpenge er "
                "steget. Vi har sat to ekstra virksomhedskonsulenter på fra næste måned."
            ),
            "faldulykker-plejecentre": (
                "Faldene ligger især om natten. Vi har indført faldscreening ved indflytning og "
                "bevægelsessensorer på to afdelinger."
            ),
            "vikarforbrug": "Vikarforbruget falder, efter at vi har fastansat seks afløsere i en fælles puljestilling.",
            "genindlaeggelser-65": "Akutteamet følger nu op inden for 24 timer efter udskrivelse.",
        }
        for quarter in [p for p in self._periods(periods.QUARTERLY) if p.start.year >= year - 1][-4:]:
            self._issue(employment, quarter, hr, texts, {"langvarige-kontanthjaelpsmodtagere": jobcentre})
        months = self._periods(periods.MONTHLY)
        for month in months[-4:-1]:
            self._issue(
                elderly,
                month,
                hr,
                texts,
                {"faldulykker-plejecentre": care_home, "vikarforbrug": care_home, "genindlaeggelser-65": care},
            )
        draft = services.status_draft(committee=elderly, period=months[-1], actor=ACTOR)
        draft.summary = "Kladde: direktøren skriver teksten, når lederne har kommenteret månedens tal."
        draft.save(update_fields=["summary"])
        # A value the committee has seen is revised afterwards: the issued status stays as it was
        # and its page says what changed.
        revised = pick("langvarige-kontanthjaelpsmodtagere")
        team = self.below(work, 3)[0] if self.below(work, 3) else None
        issued = StatusReport.objects.filter(committee=employment, state="issued").order_by("-period_start").first()
        if revised is not None and team is not None and issued is not None:
            month = periods.containing(issued.period_end, periods.MONTHLY)
            current = revised.measurements.filter(unit=team, period_start=month.start).first()
            if current is not None and current.value is not None:
                value = str(current.value + 4).replace(".", ",")
                self._import("rettelse-jobcenter.csv", self._csv([[revised.key, team.code, month.key, value, "", ""]]))

    def _issue(
        self,
        committee: Any,
        period: periods.Period,
        hr: User,
        texts: dict[str, str],
        comment_units: dict[str, Unit | None],
    ) -> None:
        due = period.end + dt.timedelta(days=committee.due_days)
        if due >= self.today:
            return
        for key, unit in comment_units.items():
            indicator = self.indicator.get(key)
            if indicator is None or unit is None:
                continue
            latest = periods.containing(period.end, indicator.frequency)
            if latest.end > period.end:
                latest = latest.shift(-1)
            self.comment(key, unit, texts.get(key, ""), latest, period.end + dt.timedelta(days=5))
        status = services.status_draft(committee=committee, period=period, actor=ACTOR)
        status.summary = (
            f"{committee.name} får hermed status for {period.label}. "
            "Hovedparten af indikatorerne bevæger sig mod målet; de indikatorer, der er bagud, "
            "er kommenteret af de ansvarlige ledere med de tiltag, der er sat i gang."
        )
        status.save(update_fields=["summary"])
        issued_at = timezone.make_aware(dt.datetime.combine(due - dt.timedelta(days=3), dt.time(9, 0)))
        owner_user = User.objects.filter(person=committee.owner).first() if committee.owner_id else None
        services.status_issue(status=status, actor=owner_user or hr, today=issued_at.date(), issued_at=issued_at)
