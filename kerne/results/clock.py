"""The result follow-up clock, run by `manage.py results_tick`: drafts, reminders, fetches.

- When a committee's period has ended, its status is drafted (once).
- From `reminder_days` before a status is due, each responsible leader whose comment is missing
  gets one reminder (recorded, so a leader is reminded once per status).
- Indicators fetched from a statistics source are fetched once a day, for the new periods only.
- When the unit tree has changed (an HR import moved units), the figures are added up again.
Each step is safe to repeat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.core.mail import Outgoing, deliver
from kerne.organisation import selectors as org
from kerne.organisation.models import Organisation, Person
from kerne.results import selectors, services
from kerne.results.models import Committee, Indicator, Source, StatusReminder, StatusReport, StatusState

ACTOR = "manage.py results_tick"
FETCH_EVERY = dt.timedelta(hours=20)


def statuses_to_draft(today: dt.date) -> list[StatusReport]:
    """Draft the status of each active committee's latest ended period, if not done and not yet due."""
    drafted = []
    for committee in Committee.objects.filter(active=True).select_related("organisation"):
        period = services.status_period(committee, today).shift(-1)
        if period.end + dt.timedelta(days=committee.due_days) < today:
            continue  # long past due: that status was handled by hand or not at all
        if StatusReport.objects.filter(committee=committee, period=period.key).exists():
            continue
        drafted.append(services.status_draft(committee=committee, period=period, actor=ACTOR))
    return drafted


@dataclass
class Responsible:
    person: Person
    lines: list[selectors.Line]


def responsible_for(status: StatusReport) -> list[Responsible]:
    """Who answers for each line of the status whose latest value has no comment yet."""
    committee = status.committee
    pairs = selectors.committee_pairs(committee)
    lines = selectors.build_lines(pairs, upto=status.period_end)
    unit_ids = {line.unit.pk for line in lines}
    leaders: dict[int, list[Person]] = {}
    for position in (
        org.current_positions(committee.organisation)
        .filter(unit_id__in=unit_ids)
        .filter(Q(role_level__is_leader=True))
        .select_related("person")
        .order_by("-role_level__rank", "person__name")
    ):
        leaders.setdefault(position.unit_id, []).append(position.person)
    by_person: dict[int, Responsible] = {}
    for line in lines:
        if line.latest is None or line.comment is not None:
            continue
        indicator = line.indicator
        if indicator.responsible_person is not None and indicator.responsible_unit_id == line.unit.pk:
            people = [indicator.responsible_person]
        else:
            people = leaders.get(line.unit.pk, [])[:1]
        for person in people:
            if person.active and person.email:
                by_person.setdefault(person.pk, Responsible(person, [])).lines.append(line)
    return list(by_person.values())


def reminders_due(today: dt.date) -> list[int]:
    """Draft statuses inside their reminder window (ids)."""
    found = []
    for status in StatusReport.objects.filter(state=StatusState.DRAFT, due_on__gte=today).select_related("committee"):
        if status.due_on - dt.timedelta(days=status.committee.reminder_days) <= today:
            found.append(status.pk)
    return found


def _mail(status: StatusReport, responsible: Responsible) -> Outgoing:
    base = settings.KERNE_BASE_URL
    items = [
        {
            "line": line,
            "url": base + reverse("results:indicator", args=[line.unit.pk, line.indicator.pk]),
        }
        for line in responsible.lines
    ]
    context = {
        "status": status,
        "person": responsible.person,
        "items": items,
        "due": status.due_on,
        "my_page": base + reverse("me"),
    }
    subject = _("Your comment for “%(title)s” by %(due)s") % {
        "title": status.title,
        "due": status.due_on.strftime("%d-%m-%Y"),
    }
    return Outgoing(
        to=responsible.person.email,
        subject=subject,
        text=render_to_string("results/email/reminder.txt", context),
        html=render_to_string("results/email/reminder.html", context),
    )


def send_status_reminders(status_id: int) -> dict[str, int]:
    """Remind each responsible leader once; count only what was delivered."""
    status = StatusReport.objects.select_related("committee", "committee__organisation").get(pk=status_id)
    if status.state != StatusState.DRAFT:
        return {"sent": 0, "failed": 0}
    done = set(StatusReminder.objects.filter(status=status).values_list("person_id", flat=True))
    todo = [r for r in responsible_for(status) if r.person.pk not in done]
    outgoing = {r.person.email: r for r in todo}
    delivery = deliver(_mail(status, r) for r in todo)
    now = timezone.now()
    StatusReminder.objects.bulk_create(
        [StatusReminder(status=status, person=outgoing[email].person, sent_at=now) for email in delivery.sent],
        ignore_conflicts=True,
    )
    return {"sent": len(delivery.sent), "failed": len(delivery.failed)}


def indicators_to_fetch(now: dt.datetime) -> list[int]:
    """Indicators with a statistics source not asked in the last day (`"fetch": false` in the
    source settings: only saved answers are imported, as in the demo)."""
    due = (
        Indicator.objects.filter(active=True, source_kind__in=[Source.STATBANK, Source.JOBINDSATS])
        .filter(Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lt=now - FETCH_EVERY))
        .values_list("pk", "source_config")
    )
    return [pk for pk, config in due if (config or {}).get("fetch", True) is not False]


def trees_changed() -> list[Organisation]:
    """Organisations whose unit tree differs from the one the figures were added up on."""
    changed = []
    for organisation in Organisation.objects.filter(indicators__isnull=False).distinct():
        digest = services.tree_digest(organisation)
        key = f"results:tree:{organisation.pk}"
        if cache.get(key) not in (None, digest):
            changed.append(organisation)
        cache.set(key, digest, None)
    return changed


def tick(today: dt.date, now: dt.datetime, *, queue: Any) -> dict[str, int]:
    """One turn of the clock; `queue` enqueues the background jobs (the tasks module)."""
    drafted = statuses_to_draft(today)
    reminders = reminders_due(today)
    for status_id in reminders:
        queue.status_reminders_task.enqueue(status_id)
    fetches = indicators_to_fetch(now)
    for indicator_id in fetches:
        queue.indicator_fetch_task.enqueue(indicator_id)
    rebuilt = 0
    for organisation in trees_changed():
        rebuilt += services.figures_rebuild(organisation=organisation)
    return {"drafted": len(drafted), "reminders": len(reminders), "fetches": len(fetches), "rebuilt": rebuilt}
