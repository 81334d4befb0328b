"""Demo data for the onboarding of new leaders, through the real HR import.

A second HR export of the demo kommune is applied: one of the chef login's leaders has left, and an
employee of that leader's unit is promoted into the post (the rest of the team now reports to them).
The import tells the development app (``leaders_arrived``, once the demo's transaction commits),
which starts the onboarding with a suggested mentor; HR then confirms the leader login as mentor where
the rule allows it. Beside it, two programmes further along, started by HR by hand for two other
leaders of the chef login: one 100 days in (a step overdue, so HR sees someone behind), one finished
after six months, which convened (or linked) its first LUS. The chef login is the own leader of all
three, the leader login the mentor where the rule allows it; nothing is mailed (notify.quiet).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from kerne.accounts.models import User
from kerne.development import notify
from kerne.development.models import Onboarding, OnboardingStatus
from kerne.development.services import onboarding as services
from kerne.organisation import selectors as org_selectors
from kerne.organisation.hr_import import ColumnMapping
from kerne.organisation.hr_sync import org_import_apply
from kerne.organisation.models import Organisation, Person, Position

ACTOR = "manage.py demo"
COLUMNS = (
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


def _export(organisation: Organisation) -> list[dict[str, str]]:
    """The organisation as it is, as rows of an HR export (current positions of active people)."""
    positions = (
        Position.objects.filter(organisation=organisation, valid_to__isnull=True, person__active=True)
        .select_related("person", "unit", "unit__parent", "role_level", "manager")
        .order_by("unit__path", "-role_level__rank", "person__employee_number")
    )
    return [
        {
            "employee_number": p.person.employee_number,
            "name": p.person.name,
            "email": p.person.email,
            "unit_name": p.unit.name,
            "unit_code": p.unit.code,
            "parent_unit_code": p.unit.parent.code if p.unit.parent else "",
            "manager_number": p.manager.employee_number if p.manager else "",
            "role_level": p.role_level.name,
            "start_date": p.start_date.strftime("%d-%m-%Y") if p.start_date else "",
            "on_leave": "ja" if p.person.on_leave else "nej",
        }
        for p in positions
    ]


def _csv(rows: list[dict[str, str]]) -> bytes:
    mapping = ColumnMapping()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([mapping.label(name) for name in COLUMNS])
    for row in rows:
        writer.writerow([row[name] for name in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _login_person(organisation: Organisation, role_key: str) -> Person | None:
    user = (
        User.objects.filter(organisation=organisation, person__positions__valid_to__isnull=True)
        .filter(person__positions__role_level__key=role_key)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return user.person if user is not None else None


def _leaders_of(organisation: Organisation, manager: Person, skip: set[int]) -> list[Position]:
    """Leaders under the chef login without a login of their own: the chef's own leaders first."""
    below = org_selectors.people_below(organisation, manager, None).values("pk")
    positions = (
        Position.objects.filter(
            organisation=organisation,
            valid_to__isnull=True,
            person_id__in=below,
            role_level__is_leader=True,
            person__active=True,
            person__on_leave=False,
            person__user__isnull=True,
        )
        .exclude(person_id__in=skip)
        .select_related("person", "unit", "role_level", "manager")
        .order_by("person__employee_number")
    )
    return sorted(positions, key=lambda p: (p.manager_id != manager.pk, p.unit.depth, p.person.employee_number))


def _mentor(hr: User, onboarding: Onboarding, wanted: Person | None) -> None:
    """The leader login as mentor when the rule allows it, else HR confirms Kerne's suggestion."""
    ids = {c.person_id for c in services.mentor_candidates(onboarding)}
    if wanted is not None and wanted.pk in ids:
        services.onboarding_mentor_choose(actor=hr, onboarding=onboarding, mentor_id=wanted.pk)
    elif onboarding.mentor_id is not None:
        services.onboarding_mentor_confirm(actor=hr, onboarding=onboarding)


def _work_through(hr: User, onboarding: Onboarding, today: dt.date, *, leave_open: int = 0) -> None:
    """Tick the steps due by now (dated on their due day), leaving the last `leave_open` of them open."""
    due = list(onboarding.steps.filter(due_on__lt=today).order_by("due_on", "position"))
    kept = due[: len(due) - leave_open] if leave_open else due
    notes = {"conversation": "Godt forløb; vi følger op næste gang.", "reading": "Læst og noteret spørgsmål."}
    for step in kept:
        services.onboarding_step_done(actor=hr, step=step, note=notes.get(step.kind, ""))
    for step in kept:
        when = timezone.make_aware(dt.datetime.combine(step.due_on, dt.time(10, 0)))
        type(step).objects.filter(pk=step.pk).update(done_at=when)


def _promotion(organisation: Organisation, chef: Person, skip: set[int]) -> tuple[bytes, str, int] | None:
    """A second HR export: a leader of the chef has left and an employee of theirs leads the unit."""
    for position in _leaders_of(organisation, chef, skip):
        team = list(
            Position.objects.filter(
                organisation=organisation,
                valid_to__isnull=True,
                manager=position.person,
                unit=position.unit,
                role_level__is_leader=False,
                person__active=True,
                person__on_leave=False,
                person__user__isnull=True,
            )
            .select_related("person")
            .order_by("person__employee_number")
        )
        if len(team) < 2:
            continue
        old, new = position.person.employee_number, team[0].person.employee_number
        rows = [r for r in _export(organisation) if r["employee_number"] != old]
        for row in rows:
            if row["employee_number"] == new:
                row["role_level"] = position.role_level.name
                row["manager_number"] = position.manager.employee_number if position.manager else ""
                row["start_date"] = timezone.localdate().strftime("%d-%m-%Y")
            elif row["manager_number"] == old:
                row["manager_number"] = new
        return _csv(rows), new, position.person_id
    return None


def demo_onboarding(organisation: Organisation, hr: User) -> None:
    """Once per demo: the promotion through the HR import, and two programmes further along."""
    if Onboarding.objects.filter(organisation=organisation).exists():
        return
    chef = _login_person(organisation, "chef")
    mentor = _login_person(organisation, "leder-af-medarbejdere")
    if chef is None:
        return
    today = timezone.localdate()
    skip = {mentor.pk} if mentor else set()
    second = _promotion(organisation, chef, skip)
    if second is None:
        return
    data, promoted, left = second
    with notify.quiet():
        services.onboarding_templates_seed(actor=hr, organisation=organisation)
        manager_of_new = Position.objects.filter(person_id=left, valid_to__isnull=True).values_list(
            "manager_id", flat=True
        )
        others = _leaders_of(organisation, chef, skip | {left, *manager_of_new})
        if len(others) >= 2:
            along = services.onboarding_start(
                actor=hr, leader=others[0].person, starts_on=today - dt.timedelta(days=100)
            )
            _mentor(hr, along, mentor)
            _work_through(hr, along, today, leave_open=1)
            done = services.onboarding_start(
                actor=hr, leader=others[1].person, starts_on=today - dt.timedelta(days=190)
            )
            _mentor(hr, done, mentor)
            _work_through(hr, done, today)
            Onboarding.objects.filter(pk=done.pk).update(completed_on=done.ends_on)
    org_import_apply(organisation=organisation, data=data, filename="demo-hr-eksport-2.csv", actor=ACTOR)

    def after_the_import() -> None:
        # Runs after the import's own callback (leaders_arrived), which started the onboarding.
        started = Onboarding.objects.filter(
            organisation=organisation, leader__employee_number=promoted, status=OnboardingStatus.ACTIVE
        ).first()
        if started is None:
            return
        with notify.quiet():
            _mentor(hr, started, mentor)

    transaction.on_commit(after_the_import)
