"""manage.py evaluations_tick — the round clock: reminders, closing at the closing date, retention.

Run it every few minutes (cron, a systemd timer, or the loop in bin/run). Each step is safe to
repeat: a reminder goes out once a day at most, a round closes once, answers are purged once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.evaluations import closing, mail

ACTOR = "manage.py evaluations_tick"


class Command(BaseCommand):
    help = "Send due reminders, close rounds past their closing date, delete raw answers past retention."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        reminders = mail.reminders_due(today)
        if reminders:
            mail.queue_reminders(reminders)
            self.stdout.write(_("Queued %(count)s reminder(s).") % {"count": len(reminders)})
        for round_ in closing.rounds_due_for_closing(today):
            closing.round_close(round_=round_, actor=ACTOR)
            self.stdout.write(_("Closed “%(round)s”.") % {"round": round_.name})
        for round_ in closing.rounds_due_for_purge(timezone.now()):
            closing.purge_raw_answers(round_=round_, actor=ACTOR)
            self.stdout.write(_("Deleted the raw answers of “%(round)s”.") % {"round": round_.name})
