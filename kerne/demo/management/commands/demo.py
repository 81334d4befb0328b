"""manage.py demo — fill an empty database with demo data in every part built so far."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kerne.demo.services import DEMO_PASSWORD, demo_create, demo_exists, demo_login_list


class Command(BaseCommand):
    help = "Create a demo organisation with logins and data (deterministic for a given seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when demo data exists.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo_exists():
            self.stdout.write(_("Demo data already present."))
        else:
            demo_create(seed=options["seed"])
            self.stdout.write(_("Demo data created."))
        for email, role in demo_login_list():
            self.stdout.write(
                _("  Log in as %(role)s: %(email)s / %(password)s")
                % {"role": role, "email": email, "password": DEMO_PASSWORD}
            )
