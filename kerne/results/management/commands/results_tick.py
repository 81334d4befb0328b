"""manage.py results_tick — the result follow-up clock: status drafts, reminders, daily fetches.

Run it every few minutes (cron, a systemd timer, or the loop in bin/run). Each step is safe to
repeat: a status is drafted once, a leader is reminded once per status, a source is asked once a day.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.results import clock, tasks


class Command(BaseCommand):
    help = "Draft due committee statuses, queue reminders to responsible leaders, fetch new statistics."

    def handle(self, *args: Any, **options: Any) -> None:
        done = clock.tick(timezone.localdate(), timezone.now(), queue=tasks)
        if done["drafted"]:
            self.stdout.write(_("Drafted %(count)s status(es).") % {"count": done["drafted"]})
        if done["reminders"]:
            self.stdout.write(_("Queued reminders for %(count)s status(es).") % {"count": done["reminders"]})
        if done["fetches"]:
            self.stdout.write(_("Queued %(count)s fetch(es) from statistics sources.") % {"count": done["fetches"]})
        if done["rebuilt"]:
            self.stdout.write(
                _("Added up %(count)s figure(s) again after the unit tree changed.") % {"count": done["rebuilt"]}
            )
