"""manage.py demo — fill an empty database with demo data in every part built so far."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from kerne.demo.services import DEMO_PASSWORD, demo_create, demo_exists, demo_login_list, demo_rater_link


class Command(BaseCommand):
    help = "Create a demo organisation with logins and data (deterministic for a given seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when demo data exists.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--size", default="small", help="small (about 300 people), medium, kk or a number")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo_exists():
            self.stdout.write(_("Demo data already present."))
        else:
            self.stdout.write(_("Creating demo data (this takes a minute the first time) …"))
            # The demo's own e-mails (reports ready …) are not sent; rater invitations of the open
            # round are sent later by the task worker, to the configured mail backend.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                demo_create(seed=options["seed"], size=options["size"])
            self.stdout.write(_("Demo data created."))
        for email, role in demo_login_list():
            self.stdout.write(
                _("  Log in as %(role)s: %(email)s / %(password)s")
                % {"role": role, "email": email, "password": DEMO_PASSWORD}
            )
        link = demo_rater_link()
        if link:
            self.stdout.write(_("  Answer as a rater in the open round: %(link)s") % {"link": link})
