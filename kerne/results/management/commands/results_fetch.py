"""manage.py results_fetch — new periods from Danmarks Statistik and Jobindsats, or a saved answer.

    manage.py results_fetch ORG [--indicator KEY]          ask each source for the new periods
    manage.py results_fetch ORG --indicator KEY --file F  read a saved StatBank/Jobindsats answer

Only periods after the last one stored from the source are asked for; what is already stored is
not written again. A suppressed value (`..`) is stored as suppressed, never as 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kerne.organisation.models import Organisation
from kerne.results import services
from kerne.results.models import ImportFormat, Indicator, Source

ACTOR = "manage.py results_fetch"


class Command(BaseCommand):
    help = "Fetch new periods for indicators with a statistics source (or read a saved answer with --file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="The organisation's short name (slug).")
        parser.add_argument("--indicator", help="Only this indicator (its key).")
        parser.add_argument("--file", help="A saved StatBank BULK or Jobindsats JSON answer to read instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(_("No organisation with the short name “%(slug)s”.") % {"slug": options["organisation"]})
        indicators = Indicator.objects.filter(organisation=organisation, active=True).select_related(
            "organisation", "responsible_unit"
        )
        if options["indicator"]:
            indicators = indicators.filter(key=options["indicator"])
            if not indicators.exists():
                raise CommandError(_("No indicator with the key “%(key)s”.") % {"key": options["indicator"]})
        else:
            indicators = indicators.filter(source_kind__in=[Source.STATBANK, Source.JOBINDSATS])
        if options["file"]:
            self._file(organisation, indicators, Path(options["file"]))
            return
        failed = False
        for indicator in indicators:
            fetched = services.indicator_fetch(
                indicator=indicator, actor=ACTOR, jobindsats_key=getattr(settings, "KERNE_JOBINDSATS_API_KEY", "")
            )
            if fetched.problems:
                failed = True
                self.stderr.write(f"{indicator.key}: " + "; ".join(fetched.problems[:10]))
            elif fetched.recorded is not None:
                self.stdout.write(f"{indicator.key}: " + self._counts(fetched.recorded.as_dict()))
        if failed:
            raise CommandError(_("Some indicators could not be fetched (see above); nothing was written for them."))

    def _file(self, organisation: Organisation, indicators: Any, path: Path) -> None:
        if indicators.count() != 1:
            raise CommandError(_("Name the indicator the file is for with --indicator."))
        indicator = indicators.get()
        if indicator.source_kind not in (Source.STATBANK, Source.JOBINDSATS):
            raise CommandError(_("The indicator is not fetched from a statistics source."))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("The file could not be read: %(error)s") % {"error": exc}) from exc
        parsed = services.parse_upload(
            organisation=organisation,
            data=data,
            filename=path.name,
            file_format=ImportFormat.STATBANK if indicator.source_kind == Source.STATBANK else ImportFormat.JOBINDSATS,
            indicator=indicator,
            today=timezone.localdate(),
        )
        if parsed.problems:
            for problem in parsed.problems[:50]:
                self.stderr.write(problem.text())
            raise CommandError(_("The file has errors; nothing has been changed."))
        recorded = services.measurements_record(
            organisation=organisation,
            entries=parsed.entries,
            source=indicator.source_kind,
            source_ref=path.name,
            actor=ACTOR,
        )
        self.stdout.write(f"{indicator.key}: " + self._counts(recorded.as_dict()))

    @staticmethod
    def _counts(counts: dict[str, int]) -> str:
        return _("%(created)s new, %(updated)s revised, %(unchanged)s unchanged") % counts
