"""`manage.py axes_reset_username ADDRESS…`: lift the login lock of these e-mail addresses.

django-axes' own command matches the address exactly, but Kerne stores attempts lower-cased
(throttle.attempted_username), so "Anne@Kommune.dk" found nothing. This one (it takes precedence:
kerne.accounts comes before axes in INSTALLED_APPS) normalises the address the same way.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Lift the login lock (failed attempts) of the given e-mail addresses, in any upper/lower case."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="+", type=str)

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for username in options["username"]:
            address = username.strip().lower()
            count += reset(username=address)
        if count:
            self.stdout.write(f"{count} attempts removed.")
        else:
            self.stdout.write("No attempts found.")
