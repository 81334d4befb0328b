"""manage.py evaluations_tick — the round clock: the day's count, reminders, closing, keys, retention.

Run it every few minutes (cron, a systemd timer, or the loop in bin/run). Each step is safe to
repeat: answers are counted once a day (the live response rates), a reminder goes out once a day at
most, a round closes once, a closed round's keys are destroyed and the database files vacuumed until
that has succeeded, answers are purged once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.evaluations import closing, keys, livecounts, mail, tasks

ACTOR = "manage.py evaluations_tick"


class Command(BaseCommand):
    help = "Send due reminders, close rounds past their closing date, delete raw answers past retention."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        for round_ in mail.rounds_with_invitations_waiting():
            tasks.queue_round_mail(round_, mail.INVITATION)
        for round_ in livecounts.rounds_due_for_count(today):
            livecounts.daily_counts_take(round_)
        for round_ in mail.rounds_with_reminders_due(today):
            raters = tasks.queue_round_mail(round_, mail.REMINDER)
            if raters:
                self.stdout.write(_("Queued reminders to %(count)s rater(s).") % {"count": raters})
        for round_ in closing.rounds_due_for_closing(today):
            closing.round_close(round_=round_, actor=ACTOR)
            self.stdout.write(_("Closed “%(round)s”.") % {"round": round_.name})
        for round_ in closing.rounds_due_for_scrub():
            closing.round_scrub(round_.pk)
        for key_id in closing.orphaned_keys():
            keys.destroy(key_id)
        for round_ in closing.rounds_due_for_purge(timezone.now()):
            closing.purge_raw_answers(round_=round_, actor=ACTOR)
            self.stdout.write(_("Deleted the raw answers of “%(round)s”.") % {"round": round_.name})
