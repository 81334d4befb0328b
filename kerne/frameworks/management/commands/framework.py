"""manage.py framework validate|import|export — framework files from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from kerne.frameworks.loader import FrameworkFileError, dump_framework, read_framework_file
from kerne.frameworks.selectors import framework_source_from_db, framework_spec_from_db
from kerne.frameworks.services import FrameworkOwnershipError, framework_import
from kerne.frameworks.spec import FrameworkSpec


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths or [str(settings.KERNE_FRAMEWORK_DIR)]:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            found.append(path)
    return found


class Command(BaseCommand):
    help = "Validate, import or export framework files (format kerne.framework/1)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="Check files; change nothing.")
        validate.add_argument("paths", nargs="*", help="Files or folders (default: content/frameworks).")
        load = sub.add_parser("import", help="Validate all files, then import them in one transaction.")
        load.add_argument("paths", nargs="*", help="Files or folders (default: content/frameworks).")
        export = sub.add_parser("export", help="Write a framework back as YAML.")
        export.add_argument("slug")
        export.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            self._export(options["slug"], options.get("output"))
            return
        specs = self._load_all(_files(options["paths"]))
        if action == "validate":
            for path, spec, _text in specs:
                self.stdout.write(
                    _("%(file)s: valid (%(statements)s statements).")
                    % {"file": path, "statements": len(spec.statements())}
                )
            return
        self._import(specs)

    def _load_all(self, paths: list[Path]) -> list[tuple[Path, FrameworkSpec, str]]:
        if not paths:
            raise CommandError(_("No framework files found."))
        specs: list[tuple[Path, FrameworkSpec, str]] = []
        problems: list[str] = []
        for path in paths:
            try:
                specs.append((path, *read_framework_file(path)))
            except FrameworkFileError as exc:
                problems.extend(str(p) for p in exc.problems)
        slugs: dict[str, Path] = {}
        for path, spec, _text in specs:
            if spec.slug in slugs:
                problems.append(
                    _("%(file)s: the slug '%(slug)s' is also used by %(other)s.")
                    % {"file": path, "slug": spec.slug, "other": slugs[spec.slug]}
                )
            slugs[spec.slug] = path
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(_("%(count)s problem(s) found; nothing was imported.") % {"count": len(problems)})
        return specs

    def _import(self, specs: list[tuple[Path, FrameworkSpec, str]]) -> None:
        actor = "manage.py framework import"
        try:
            with transaction.atomic():
                for path, spec, text in specs:
                    result = framework_import(spec=spec, actor=actor, source_text=text)
                    if not result.changed:
                        message = _("%(file)s: unchanged.")
                    elif result.created:
                        message = _("%(file)s: imported as '%(slug)s' (%(statements)s statements).")
                    else:
                        message = _(
                            "%(file)s: updated '%(slug)s' "
                            "(%(created)s created, %(updated)s changed, %(deleted)s removed)."
                        )
                    summary = result.summary()
                    self.stdout.write(
                        message
                        % {
                            "file": path,
                            "slug": spec.slug,
                            "statements": len(spec.statements()),
                            **summary,
                        }
                    )
        except FrameworkOwnershipError as exc:
            raise CommandError(
                _("The slug '%(slug)s' belongs to another organisation's framework; nothing was imported.")
                % {"slug": exc.args[0]}
            ) from exc

    def _export(self, slug: str, output: str | None) -> None:
        spec = framework_spec_from_db(slug)
        if spec is None:
            raise CommandError(_("No framework with the slug '%(slug)s'.") % {"slug": slug})
        text = dump_framework(spec, source=framework_source_from_db(slug))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(_("Wrote %(file)s.") % {"file": output})
        else:
            self.stdout.write(text, ending="")
