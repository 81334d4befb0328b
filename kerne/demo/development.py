"""Demo data for the development work: report talks in every state, LUS, plans, a team dialogue.

Built after the demo's rounds: the report talks of both released rounds (as if created on the day
each was released), last year's talks and plans all agreed and followed up, this year's in every
state (agreed, waiting for confirmation, booked, not held and overdue on HR's list), a LUS season
with conversations in every state, and the leader's dialogue meeting with two focus points. The
chef login holds talks and LUS with their leaders; the leader login has an open talk to walk
through. Nothing is mailed (notify.quiet): the rows are written as the services would have
written them over the year, and dated back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kerne.accounts.models import User
from kerne.core.audit import audit_record
from kerne.demo.needs import demo_needs
from kerne.development import notify
from kerne.development.models import (
    FocusPoint,
    ItemStatus,
    Lus,
    LusStatus,
    Plan,
    PlanItem,
    PlanStatus,
    PlanVersion,
    ReportTalk,
    StatusTalk,
    Summary,
    TalkStatus,
    TeamDialogue,
)
from kerne.development.selectors import level_statements
from kerne.development.services import lus as lus_services
from kerne.development.services import reminders, talks
from kerne.development.services.plans import add_months
from kerne.evaluations.models import Round, RoundStatus
from kerne.organisation import selectors as org_selectors
from kerne.organisation.models import Organisation

ACTOR = "manage.py demo"
SUMMARIES = [
    "Vi gennemgik rapporten. Medarbejderne oplever en tydelig retning og et trygt arbejdsmiljø; "
    "de savner mere sparring i hverdagen. Vi aftalte at prioritere feedback og at følge op på "
    "implementeringen af den nye visitationspraksis.",
    "Rapporten viser stærk driftsledelse. Vi talte om forskellen mellem lederens egen vurdering og "
    "medarbejdernes på innovation, og aftalte en prøvehandling med faste idémøder.",
    "God samtale om tværgående samarbejde. Lederen deltager fremover i netværket for ledere på "
    "ældreområdet og tager et kursus i forandringsledelse.",
]
GOALS = [
    (
        "Mere sparring og feedback i hverdagen",
        "experiment",
        "Faste 15 minutters sparring hver uge med hver koordinator",
    ),
    ("Tydeligere retning i forandringer", "course", "Kursus i forandringsledelse (3 dage)"),
    ("Bedre samarbejde på tværs af afdelinger", "network", "Netværk for ledere på ældreområdet"),
    ("Mere tid til refleksion og nytænkning", "mentoring", "Mentorforløb med en erfaren chef"),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _agree_summary(meeting: Any, day: dt.date, text: str, *, confirmed: bool = True) -> None:
    field = {"talk": meeting} if isinstance(meeting, ReportTalk) else {"lus": meeting}
    summary = Summary.objects.create(
        text=text,
        leader_confirmed_at=_at(day + dt.timedelta(days=1), 15) if confirmed else None,
        manager_confirmed_at=_at(day, 16),
        **field,
    )
    Summary.objects.filter(pk=summary.pk).update(created_at=_at(day, 16), updated_at=_at(day, 16))
    agreed = TalkStatus.AGREED if isinstance(meeting, ReportTalk) else LusStatus.AGREED
    held = TalkStatus.HELD if isinstance(meeting, ReportTalk) else LusStatus.HELD
    type(meeting).objects.filter(pk=meeting.pk).update(
        status=agreed if confirmed else held, held_on=day, starts_at=_at(day), location="Chefens kontor"
    )


def _plan(meeting: Any, framework: Any, day: dt.date, index: int, *, previous: Plan | None, agreed: bool) -> Plan:
    statements = [s.key for s in level_statements(framework, meeting.framework_role_level)]
    plan = Plan.objects.create(
        organisation_id=meeting.organisation_id,
        leader_id=meeting.leader_id,
        leader_name=meeting.leader_name,
        manager_id=meeting.manager_id,
        manager_name=meeting.manager_name,
        unit_id=meeting.unit_id,
        org_role_level_id=meeting.org_role_level_id,
        framework=framework,
        framework_role_level=meeting.framework_role_level,
        talk=meeting if isinstance(meeting, ReportTalk) else None,
        lus=meeting if isinstance(meeting, Lus) else None,
        previous=previous,
        status=PlanStatus.AGREED if agreed else PlanStatus.DRAFT,
        leader_confirmed_at=_at(day + dt.timedelta(days=2), 9) if agreed else None,
        manager_confirmed_at=_at(day + dt.timedelta(days=2), 11) if agreed else None,
        agreed_on=day + dt.timedelta(days=2) if agreed else None,
    )
    goal, kind, action = GOALS[index % len(GOALS)]
    keys = (
        [statements[(index * 3) % len(statements)], statements[(index * 3 + 1) % len(statements)]] if statements else []
    )
    items = [
        PlanItem(
            plan=plan,
            position=0,
            target_kind="statements" if keys else "own",
            statement_keys=keys,
            own_title="" if keys else goal,
            goal=goal,
            actions=[{"kind": kind, "text": action}],
            support="Egen leder følger op på statussamtalerne og giver sparring efter behov.",
            due_on=add_months(day, 10),
            status=ItemStatus.AGREED if agreed else ItemStatus.DRAFT,
        ),
        PlanItem(
            plan=plan,
            position=1,
            target_kind="own",
            own_title="Egen trivsel og arbejdstid",
            goal="Færre aftenmøder og en fast dag uden møder",
            actions=[{"kind": "other", "text": "Onsdag er mødefri i kalenderen"}],
            due_on=add_months(day, 6),
            status=ItemStatus.IN_PROGRESS if agreed else ItemStatus.DRAFT,
        ),
    ]
    if previous is not None:
        carried = previous.items.filter(position=0).first()
        items[0].carried_from = carried
    PlanItem.objects.bulk_create(items)
    if agreed:
        assert plan.agreed_on is not None
        assert plan.leader_confirmed_at
        assert plan.manager_confirmed_at
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            items=[
                {
                    "goal": i.goal,
                    "target_kind": i.target_kind,
                    "statement_keys": i.statement_keys,
                    "own_title": i.own_title,
                    "node_key": "",
                    "actions": i.actions,
                    "support": i.support,
                    "due_on": i.due_on.isoformat() if i.due_on else None,
                }
                for i in items
            ],
            leader_confirmed_at=plan.leader_confirmed_at,
            manager_confirmed_at=plan.manager_confirmed_at,
        )
        StatusTalk.objects.bulk_create(
            StatusTalk(plan=plan, number=n, due_on=add_months(plan.agreed_on, m)) for n, m in ((1, 4), (2, 8))
        )
    return plan


def _last_year(round_: Round, today: dt.date) -> dict[int, Plan]:
    """Every talk of last year's round agreed, with an agreed plan whose status talks were held."""
    plans: dict[int, Plan] = {}
    for index, talk in enumerate(ReportTalk.objects.filter(round=round_).order_by("pk")):
        held = talk.due_on - dt.timedelta(days=2 + index % 5)
        _agree_summary(talk, held, SUMMARIES[index % len(SUMMARIES)])
        plan = _plan(talk, round_.framework, held, index, previous=None, agreed=True)
        for status_talk in plan.status_talks.all():
            if status_talk.due_on <= today:
                StatusTalk.objects.filter(pk=status_talk.pk).update(
                    held_on=status_talk.due_on, note="Godt i gang; punkt 1 fortsætter."
                )
        plans[talk.leader_id] = plan
    return plans


def _this_year(round_: Round, today: dt.date, previous: dict[int, Plan], keep_open: set[int]) -> None:
    """This year's talks in every state; the persons in keep_open keep an open talk to walk through."""
    for index, talk in enumerate(ReportTalk.objects.filter(round=round_).order_by("pk")):
        if talk.leader_id in keep_open:
            continue
        state = index % 7
        held = talk.due_on - dt.timedelta(days=1 + index % 4)
        if state in (0, 1, 2):  # agreed, and the plan carried forward and agreed
            _agree_summary(talk, held, SUMMARIES[index % len(SUMMARIES)])
            old = previous.get(talk.leader_id)
            plan = _plan(talk, round_.framework, held, index + 1, previous=old, agreed=state != 2)
            if old is not None:
                Plan.objects.filter(pk=old.pk).update(status=PlanStatus.CLOSED)
            if state == 2:
                Plan.objects.filter(pk=plan.pk).update(manager_confirmed_at=_at(held, 12))  # waiting for the leader
        elif state == 3:  # held, waiting for the leader's confirmation
            _agree_summary(talk, held, SUMMARIES[index % len(SUMMARIES)], confirmed=False)
        elif state == 4:  # a time is booked (late, but booked)
            ReportTalk.objects.filter(pk=talk.pk).update(
                status=TalkStatus.SCHEDULED,
                starts_at=_at(today + dt.timedelta(days=3 + index % 5), 13),
                location="Mødelokale 2",
                ics_sequence=1,
            )
        # 5, 6: not held: overdue, and on HR's list after a week
    reminders.hr_list_update(today)
    ReportTalk.objects.filter(round=round_).update(
        reminded_before_on=round_.closed_at and timezone.localdate(round_.closed_at)
    )


def _season(
    organisation: Organisation, hr: User, framework: Any, today: dt.date, talks_: list[ReportTalk], keep_free: set[int]
) -> None:
    """This year's LUS season (October–December): conversations in every state, some still to convene."""
    season = lus_services.season_create(
        actor=hr,
        organisation=organisation,
        name=f"LUS {today.year}",
        framework=framework,
        starts_on=dt.date(today.year, 10, 1),
        ends_on=dt.date(today.year, 12, 31),
    )
    for index, talk in enumerate(talks_):
        if talk.leader_id in keep_free or index % 5 == 4:
            continue  # still to be convened by the own leader
        state = index % 5
        day = (
            today - dt.timedelta(days=25 - index % 20)
            if state in (0, 1, 3)
            else today + dt.timedelta(days=2 + index % 9)
        )
        lus = Lus.objects.create(
            organisation=organisation,
            season=season,
            leader_id=talk.leader_id,
            leader_name=talk.leader_name,
            manager_id=talk.manager_id,
            manager_name=talk.manager_name,
            unit_id=talk.unit_id,
            org_role_level_id=talk.org_role_level_id,
            framework_role_level=talk.framework_role_level,
            due_on=day,
            starts_at=_at(day, 9) if state != 3 else None,
            duration_minutes=90,
            location="Chefens kontor" if state != 3 else "",
        )
        if state == 0:
            _agree_summary(
                lus, day, "Vi gennemgik de obligatoriske kort og aftalte at fortsætte med sparring og feedback."
            )
        elif state == 1:
            _agree_summary(lus, day, "Vi talte om trivsel, sidste års plan og året, der kommer.", confirmed=False)
        # 2: booked in the coming days; 3: convened without a time, due date passed (overdue)
        audit_record(actor=ACTOR, action="development.lus_convened", obj=lus, organisation=organisation)


def _login(organisation: Organisation, level_key: str) -> User | None:
    """The demo login of a role level (the chef and the leader bin/run prints)."""
    for user in (
        User.objects.filter(organisation=organisation, person__isnull=False, is_org_admin=False)
        .select_related("person")
        .order_by("pk")
    ):
        position = org_selectors.current_position(organisation, user.person)
        if position is not None and position.role_level.key == level_key:
            return user
    return None


def demo_development(organisation: Organisation, hr: User) -> None:
    """The development part of the demo (one call from demo_create)."""
    if (
        ReportTalk.objects.filter(organisation=organisation).exists()
        and Lus.objects.filter(organisation=organisation).exists()
    ):
        demo_needs(organisation, hr)
        return
    today = timezone.localdate()
    rounds = list(Round.objects.filter(organisation=organisation, status=RoundStatus.PUBLISHED).order_by("closed_at"))
    leader_user = _login(organisation, "leder-af-medarbejdere")
    chef_user = _login(organisation, "chef")
    keep_open = {u.person_id for u in (leader_user,) if u is not None and u.person_id}
    with notify.quiet():
        previous: dict[int, Plan] = {}
        for round_ in rounds:
            assert round_.closed_at is not None
            talks.report_talks_create(round_id=round_.pk, actor=ACTOR, today=timezone.localdate(round_.closed_at))
        if len(rounds) >= 2:
            previous = _last_year(rounds[-2], today)
        if rounds:
            _this_year(rounds[-1], today, previous, keep_open)
            # The chef holds one talk still to prepare with one of their leaders (the walk-through).
            if chef_user is not None and chef_user.person_id:
                own = ReportTalk.objects.filter(round=rounds[-1], manager_id=chef_user.person_id).order_by("pk").last()
                if own is not None:
                    ReportTalk.objects.filter(pk=own.pk).update(
                        status=TalkStatus.PLANNED, held_on=None, starts_at=None, listed_for_hr_on=None
                    )
                    Summary.objects.filter(talk=own).delete()
                    Plan.objects.filter(talk=own).delete()
            # The chef convenes the last of their leaders themselves (the rest of their LUS are under way).
            free = set(
                ReportTalk.objects.filter(round=rounds[-1], manager_id=getattr(chef_user, "person_id", None))
                .order_by("-pk")
                .values_list("leader_id", flat=True)[:1]
            )
            this_year = list(ReportTalk.objects.filter(round=rounds[-1]).order_by("pk"))
            _season(organisation, hr, rounds[-1].framework, today, this_year, free)
            _dialogue(rounds[-1], leader_user)
    demo_needs(organisation, hr)


def _dialogue(round_: Round, leader_user: User | None) -> None:
    if leader_user is None or leader_user.person_id is None:
        return
    subject = round_.subjects.filter(person_id=leader_user.person_id).first()
    if subject is None:
        return
    dialogue = TeamDialogue.objects.create(
        organisation_id=round_.organisation_id,
        leader_id=subject.person_id,
        subject=subject,
        format="long",
        held_on=timezone.localdate() - dt.timedelta(days=10),
    )
    FocusPoint.objects.bulk_create(
        [
            FocusPoint(dialogue=dialogue, text="Vi giver hinanden feedback efter hvert teammøde", position=0),
            FocusPoint(dialogue=dialogue, text="Nye kolleger får en fast makker de første tre måneder", position=1),
        ]
    )
