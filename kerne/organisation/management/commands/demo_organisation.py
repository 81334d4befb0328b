"""manage.py demo_organisation --seed 1 --size small [--csv out.csv] [--org SLUG [--apply]]

Writes a made-up kommune as an HR export (the same seed and size give the same bytes), and
optionally previews or applies it to an organisation (created with the default role levels if new).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kerne.organisation.demo import SIZES, demo_csv, size_of
from kerne.organisation.hr_sync import org_import_apply, org_import_preview
from kerne.organisation.management.commands.import_org import report
from kerne.organisation.models import Organisation
from kerne.organisation.services import organisation_create

ACTOR = "manage.py demo_organisation"


class Command(BaseCommand):
    help = "Generate a made-up Danish kommune as an HR file; optionally import it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--size", default="small", help=f"{', '.join(SIZES)} or a number of people.")
        parser.add_argument("--name", default="Demo Kommune", help="The kommune's name (also the e-mail domain).")
        parser.add_argument("--csv", help="Write the file here (default: standard output, unless --org is given).")
        parser.add_argument("--encoding", choices=["utf-8", "utf-8-sig", "cp1252"], default="utf-8")
        parser.add_argument("--org", help="Preview the file against this organisation (slug).")
        parser.add_argument("--apply", action="store_true", help="With --org: apply the file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            size_of(options["size"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        data = demo_csv(
            seed=options["seed"], size=options["size"], kommune=options["name"], encoding=options["encoding"]
        )
        filename = f"demo-{options['size']}-{options['seed']}.csv"
        if options["csv"]:
            Path(options["csv"]).write_bytes(data)
            filename = Path(options["csv"]).name
            self.stderr.write(_("Wrote %(file)s (%(bytes)s bytes).") % {"file": options["csv"], "bytes": len(data)})
        elif not options["org"]:
            self.stdout.write(data.decode(options["encoding"]), ending="")
            return
        if options["apply"] and not options["org"]:
            raise CommandError(_("--apply needs --org."))
        if not options["org"]:
            return
        organisation = Organisation.objects.filter(slug=options["org"]).first() or organisation_create(
            name=options["name"], slug=options["org"], actor=ACTOR
        )
        arguments: dict[str, Any] = {"organisation": organisation, "data": data, "filename": filename, "actor": ACTOR}
        plan = org_import_apply(**arguments) if options["apply"] else org_import_preview(**arguments)
        for line in report(plan, show=5):
            self.stdout.write(line)
        if plan.problems:
            raise CommandError(_("The import was refused: %(count)s errors.") % {"count": len(plan.problems)})
        if plan.applied:
            self.stdout.write(self.style.SUCCESS(_("The import has been applied.")))
