"""`manage.py mail_check you@kommune.dk`: send one test mail the way Kerne sends every mail, and say what happened.

For IT setting up the relay: prints the connection Kerne uses (host, port, TLS, EHLO name, timeout,
sender, Reply-To) and the outcome for each address, with the Danish reason HR would see. The
technical details of a failure are in the log line above the result.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kerne.core.mail import Outgoing, Status, deliver, mail_domain


class Command(BaseCommand):
    help = "Send a test mail through Kerne's mail settings and show the result for each address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        from kerne.core.smtp import helo_name

        tls = "STARTTLS" if settings.EMAIL_USE_TLS else ("implicit TLS" if settings.EMAIL_USE_SSL else "none")
        self.stdout.write(f"Backend:   {settings.EMAIL_BACKEND}")
        self.stdout.write(f"Relay:     {settings.EMAIL_HOST}:{settings.EMAIL_PORT} (TLS: {tls})")
        self.stdout.write(f"Login:     {settings.EMAIL_HOST_USER or '(none)'}")
        self.stdout.write(f"EHLO name: {helo_name()}   Message-ID domain: {mail_domain()}")
        self.stdout.write(f"Timeout:   {settings.EMAIL_TIMEOUT} s")
        self.stdout.write(f"From:      {settings.DEFAULT_FROM_EMAIL}   Reply-To: {settings.KERNE_REPLY_TO or '(none)'}")
        with translation.override(settings.LANGUAGE_CODE):
            mails = [
                Outgoing(
                    to=address,
                    subject="Kerne: prøvemail fra opsætningen",
                    text=(
                        "Denne mail er sendt med manage.py mail_check for at prøve Kernes mailopsætning.\n"
                        f"Kerne: {settings.KERNE_BASE_URL}\n"
                    ),
                )
                for address in options["address"]
            ]
            delivery = deliver(mails, retries=0)
            for result in delivery.results:
                status = {Status.SENT: "sent", Status.FAILED: "FAILED", Status.PENDING: "NOT SENT (temporary)"}
                line = f"{result.to}: {status[result.status]}"
                self.stdout.write(line + (f" – {result.reason}" if result.reason else ""))
            self.stdout.write(delivery.summary())
        if not delivery.all_sent:
            raise CommandError("Not every test mail was sent; see the reasons above and the log line for details.")
