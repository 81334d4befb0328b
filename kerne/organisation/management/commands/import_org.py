"""manage.py import_org ORG_SLUG FILE [--apply] — the HR org-chart import from the command line.

Without --apply it is a dry run: it prints the difference and every error, and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kerne.organisation.hr_import import FIELD_ORDER, ColumnMapping, delimiter_name, split_columns
from kerne.organisation.hr_sync import (
    KINDS,
    UNIT_KINDS,
    ImportPlan,
    describe,
    kind_labels,
    org_import_apply,
    org_import_preview,
)
from kerne.organisation.models import Organisation

DELIMITERS = {"semicolon": ";", ";": ";", "comma": ",", ",": ",", "tab": "\t", "\\t": "\t"}


def report(plan: ImportPlan, *, show: int) -> list[str]:
    """The plan in words: file, counts, the first `show` of each kind, and every error."""
    summary = plan.summary(limit=show)
    lines = [
        _("File: %(file)s · %(rows)s people · %(encoding)s · %(delimiter)s")
        % {
            "file": plan.filename,
            "rows": plan.rows,
            "encoding": plan.encoding.upper() if plan.encoding else "?",
            "delimiter": delimiter_name(plan.delimiter) if plan.delimiter else "?",
        }
    ]
    if plan.problems:
        lines.append(_("The file has %(count)s errors; nothing has been changed:") % {"count": len(plan.problems)})
        lines += [f"  {p}" for p in plan.problems]
        return lines
    labels = kind_labels()
    counts = plan.counts()
    lines.append(_("The difference:"))
    lines += [f"  {labels[kind]}: {counts[kind]}" for kind in (*KINDS, *UNIT_KINDS)]
    for kind in (*KINDS, *UNIT_KINDS):
        if not counts[kind]:
            continue
        lines.append("")
        lines.append(
            _("%(kind)s (the first %(shown)s of %(count)s):")
            % {"kind": labels[kind], "shown": min(show, counts[kind]), "count": counts[kind]}
        )
        lines += [f"  {describe(entry)}" for entry in summary[kind]]
    return lines


class Command(BaseCommand):
    help = "Import the org chart from an HR file (CSV). Without --apply: show the difference only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="The organisation's short name (slug).")
        parser.add_argument("file", help="The CSV file exported from the HR system.")
        parser.add_argument("--apply", action="store_true", help="Apply the difference (default: dry run).")
        parser.add_argument("--encoding", choices=["utf-8", "cp1252", "utf-16"], help="Default: detect.")
        parser.add_argument("--delimiter", choices=sorted(DELIMITERS), help="Default: detect.")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=(
                "Read FIELD from the column HEADER; join columns with +, e.g. name=Fornavn+Efternavn; "
                f"an empty HEADER: the file has no such column (fields: {', '.join(FIELD_ORDER)})."
            ),
        )
        parser.add_argument("--show", type=int, default=10, help="How many of each kind to list (default 10).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(_("No organisation has the short name '%(slug)s'.") % {"slug": options["organisation"]})
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("The file %(file)s cannot be read (%(reason)s).") % {"file": path, "reason": exc.strerror}
            ) from exc
        arguments: dict[str, Any] = {
            "organisation": organisation,
            "data": data,
            "filename": path.name,
            "actor": "manage.py import_org",
            "mapping": self._mapping(options["column"]),
            "encoding": options["encoding"],
            "delimiter": DELIMITERS.get(options["delimiter"] or ""),
        }
        plan = org_import_apply(**arguments) if options["apply"] else org_import_preview(**arguments)
        for line in report(plan, show=max(0, options["show"])):
            self.stdout.write(line)
        if plan.problems:
            raise CommandError(_("The import was refused: %(count)s errors.") % {"count": len(plan.problems)})
        self.stdout.write("")
        if plan.applied:
            self.stdout.write(self.style.SUCCESS(_("The import has been applied.")))
        elif plan.has_changes:
            self.stdout.write(_("Nothing has been changed. Run again with --apply to apply the difference."))
        else:
            self.stdout.write(_("The organisation already matches the file; there is nothing to change."))

    def _mapping(self, columns: list[str]) -> ColumnMapping:
        """--column FIELD=HEADER (or FIELD=A+B to join columns), each field at most once."""
        overrides: dict[str, str] = {}
        for item in columns:
            name, sep, header = item.partition("=")
            name = name.strip()
            if not sep or name not in FIELD_ORDER:
                raise CommandError(
                    _("--column must be FIELD=HEADER, where FIELD is one of: %(fields)s.")
                    % {"fields": ", ".join(FIELD_ORDER)}
                )
            if name in overrides:
                raise CommandError(
                    _(
                        "--column gives the field '%(field)s' twice (%(first)s and %(second)s). Give each field once; "
                        "to build it from several columns, join them with +, e.g. --column name=Fornavn+Efternavn."
                    )
                    % {"field": name, "first": f"{name}={overrides[name]}", "second": item.strip()}
                )
            overrides[name] = "+".join(split_columns(header))
        return ColumnMapping().with_headers(**overrides)
