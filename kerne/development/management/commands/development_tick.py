"""manage.py development_tick — the development clock: reminders of talks, LUS and status talks; HR's list.

Run it every few minutes (cron, a systemd timer, or the loop in bin/run). Safe to repeat: each
reminder goes out once, each overdue talk is listed for HR once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.development.needs import needs_warm
from kerne.development.tasks import onboarding_tick, tick


class Command(BaseCommand):
    help = "Queue due reminders of report talks, LUS and status talks; put overdue talks on HR's list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as on this day (YYYY-MM-DD), for testing.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
        done = tick(today)
        started = onboarding_tick(today)
        needs_warm()  # the needs picture's decision, made before HR or a direktør opens it
        done = {**done, "onboarding_reminders": started["reminders"], "onboardings_completed": started["completed"]}
        if done["reminders"]:
            self.stdout.write(_("Queued %(count)s reminder(s).") % {"count": done["reminders"]})
        if done["listed"]:
            self.stdout.write(_("%(count)s overdue talk(s) put on HR's list.") % {"count": done["listed"]})
        if done["onboarding_reminders"]:
            self.stdout.write(_("Queued %(count)s onboarding reminder(s).") % {"count": done["onboarding_reminders"]})
        if done["onboardings_completed"]:
            self.stdout.write(_("%(count)s onboarding(s) completed.") % {"count": done["onboardings_completed"]})
