"""The HR org-chart import in the browser: upload → preview → apply (background job) → result.

Only the organisation's HR administrators (kerne.accounts.policy.org_admin_required). Every import
is looked up inside the user's own organisation; another organisation's import answers 403.
The work itself is in kerne.organisation.hr_sync; these views only parse input and render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kerne.accounts.policy import org_admin_required, organisation_of
from kerne.organisation.hr_import import (
    FIELD_ORDER,
    JOIN,
    REQUIRED_COLUMNS,
    ColumnMapping,
    FileHead,
    header_key,
    read_head,
    read_sample,
    split_columns,
)
from kerne.organisation.hr_sync import (
    KINDS,
    UNIT_KINDS,
    ColumnChoiceError,
    ImportNotStartable,
    kind_labels,
    org_import_get,
    org_import_list,
    org_import_set_columns,
    org_import_start,
    org_import_upload,
)
from kerne.organisation.models import Organisation, OrgImport

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Status 286 tells htmx to stop polling (the job has finished).
STOP_POLLING = 286


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("HR file (CSV)"),
        allow_empty_file=True,  # the import itself says "the file is empty", with the same words everywhere
        help_text=gettext_lazy("The export from the HR or payroll system, separated by semicolons or commas."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding"),
        required=False,
        choices=[
            ("", gettext_lazy("Detect automatically")),
            ("utf-8", "UTF-8"),
            ("cp1252", "Windows-1252"),
            ("utf-16", "UTF-16"),
        ],
    )
    delimiter = forms.ChoiceField(
        label=gettext_lazy("Separator"),
        required=False,
        choices=[
            ("", gettext_lazy("Detect automatically")),
            (";", gettext_lazy("Semicolon (;)")),
            (",", gettext_lazy("Comma (,)")),
            ("\t", gettext_lazy("Tab")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Tie help texts and errors to their inputs for screen readers.
        for name, field in self.fields.items():
            described = [f"id_{name}-error"] if self.errors.get(name) else []
            if field.help_text:
                described.append(f"id_{name}-help")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            if self.errors.get(name):
                field.widget.attrs["aria-invalid"] = "true"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s MB).") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def _organisation(request: HttpRequest) -> Organisation:
    organisation = organisation_of(request.user)
    if organisation is None:  # org_admin_required already guarantees one; this keeps the type honest
        raise PermissionDenied
    return organisation


def _import(request: HttpRequest, pk: int) -> OrgImport:
    try:
        return org_import_get(organisation=_organisation(request), pk=pk)
    except OrgImport.DoesNotExist as exc:
        raise PermissionDenied(_("This import does not belong to your organisation.")) from exc


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("home"), _("Front page")), *items]


@org_admin_required
def import_list_view(request: HttpRequest) -> HttpResponse:
    """The upload form and the organisation's earlier imports."""
    organisation = _organisation(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        org_import = org_import_upload(
            organisation=organisation,
            data=upload.read(),
            filename=upload.name,
            actor=request.user,
            encoding=form.cleaned_data["encoding"],
            delimiter=form.cleaned_data["delimiter"],
        )
        if not org_import.columns_confirmed and org_import.columns:
            return redirect("org_import:columns", pk=org_import.pk)
        return redirect("org_import:detail", pk=org_import.pk)
    mapping = ColumnMapping()
    context = {
        "form": form,
        "imports": org_import_list(organisation=organisation),
        "organisation": organisation,
        "columns": [
            (mapping.label(name), [" + ".join(split_columns(v)) for v in mapping.alternatives(name)[1:]])
            for name in FIELD_ORDER
        ],
        "crumbs": _crumbs((None, _("Import org chart"))),
    }
    return render(request, "organisation/import_list.html", context, status=400 if form.errors else 200)


def _sections(summary: dict[str, Any]) -> list[dict[str, Any]]:
    labels = kind_labels()
    counts = summary.get("counts", {})
    return [
        {
            "kind": kind,
            "label": labels[kind],
            "count": counts.get(kind, 0),
            "entries": summary.get(kind, []),
            "people": kind in KINDS,
        }
        for kind in (*KINDS, *UNIT_KINDS)
    ]


@org_admin_required
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview (difference and errors), the progress of the job, or the result."""
    org_import = _import(request, pk)
    summary = org_import.plan_summary or {}
    context = {
        "org_import": org_import,
        "column_rows": _column_summary(org_import.columns),
        "summary": summary,
        "sections": _sections(summary),
        "problems": summary.get("problems", []),
        "problem_count": summary.get("problem_count", 0),
        "has_changes": any(summary.get("counts", {}).values()),
        "crumbs": _crumbs(
            (reverse("org_import:list"), _("Import org chart")),
            (None, org_import.filename),
        ),
        **_progress_context(org_import),
    }
    return render(request, "organisation/import_detail.html", context)


@org_admin_required
@require_POST
def import_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the background job that applies a previewed import."""
    org_import = _import(request, pk)
    try:
        org_import_start(org_import=org_import, actor=request.user)
    except ImportNotStartable as exc:
        messages.error(request, str(exc))
    return redirect("org_import:detail", pk=org_import.pk)


def _progress_context(org_import: OrgImport) -> dict[str, Any]:
    total = org_import.progress_total
    done = min(org_import.progress_done, total)
    percent = round(100 * done / total) if total else 0
    if org_import.status != OrgImport.Status.RUNNING:
        phase = ""
    elif not total or done < total / 3:
        phase = _("Reading the file")
    elif done < 2 * total / 3:
        phase = _("Checking and comparing with the organisation")
    else:
        phase = _("Saving the changes")
    return {"done": done, "total": total, "percent": percent, "phase": phase}


@org_admin_required
def import_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial that the running page polls every second."""
    org_import = _import(request, pk)
    finished = org_import.status != OrgImport.Status.RUNNING
    return render(
        request,
        "organisation/_import_progress.html",
        {"org_import": org_import, **_progress_context(org_import)},
        status=STOP_POLLING if finished else 200,
    )


# --- the column step -----------------------------------------------------------------------------

# How many columns a name may be built from (Fornavn + Mellemnavn + Efternavn).
NAME_PARTS = 3


def field_descriptions() -> dict[str, str]:
    return {
        "employee_number": _("The HR system's number for the person. Required."),
        "name": _("The full name. Choose several columns for a name split in parts (Fornavn, Efternavn)."),
        "email": _("The work address; used to log in and to send invitations."),
        "unit_name": _("The name of the person's unit. Required."),
        "unit_code": _("The unit's number or code in the HR system. Required."),
        "parent_unit_code": _("The code of the unit above; empty for the top unit. Required."),
        "manager_number": _("The employee number of the person's own leader; empty for the top leader. Required."),
        "role_level": _("E.g. Medarbejder, Leder af medarbejdere, Chef. Required."),
        "start_date": _("When the person started (dd-mm-yyyy)."),
        "on_leave": _("ja/nej: people on leave are not proposed as raters."),
    }


def _column_summary(columns: dict[str, str]) -> list[tuple[str, str]]:
    labels = ColumnMapping()
    return [(labels.label(name), " + ".join(split_columns(columns.get(name, ""))) or "–") for name in FIELD_ORDER]


def _choice_from_post(request: HttpRequest) -> dict[str, str]:
    choice = {}
    for name in FIELD_ORDER:
        if name == "name":
            parts = [request.POST.get(f"col-name-{n}", "").strip() for n in range(1, NAME_PARTS + 1)]
            choice[name] = JOIN.join(p for p in parts if p)
        else:
            choice[name] = request.POST.get(f"col-{name}", "").strip()
    return choice


def _column_fields(choice: dict[str, str], headers: list[str]) -> list[dict[str, Any]]:
    labels = ColumnMapping()
    descriptions = field_descriptions()
    by_key = {header_key(h): h for h in headers}
    rows = []
    for name in FIELD_ORDER:
        parts = [by_key.get(header_key(p), p) for p in split_columns(choice.get(name, ""))]
        count = NAME_PARTS if name == "name" else 1
        selects = [
            {
                "id": f"col-{name}-{n}" if name == "name" else f"col-{name}",
                "value": parts[n - 1] if n <= len(parts) else "",
                "label": labels.label(name) if n == 1 else _("then column (optional)"),
            }
            for n in range(1, count + 1)
        ]
        rows.append(
            {
                "name": name,
                "label": labels.label(name),
                "required": name in REQUIRED_COLUMNS,
                "description": descriptions[name],
                "selects": selects,
            }
        )
    return rows


@org_admin_required
def import_columns_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Which column holds what: pre-filled from last time or the headers, checked, then the preview."""
    org_import = _import(request, pk)
    started = org_import.status != OrgImport.Status.PREVIEWED
    # A started import's file may already be gone (it is deleted once applied): nothing to read.
    head = (
        FileHead()
        if started
        else read_head(
            bytes(org_import.data), encoding=org_import.encoding or None, delimiter=org_import.delimiter or None
        )
    )
    editable = not started and bool(head.headers)
    choice = dict(org_import.columns)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("This import has already been started; upload the file again to change columns."))
        choice = _choice_from_post(request)
        try:
            org_import_set_columns(org_import=org_import, columns=choice, actor=request.user)
        except ColumnChoiceError as exc:
            errors = exc.problems
            status = 400
        else:
            messages.success(request, _("The columns are saved and will be used for the next upload too."))
            return redirect("org_import:detail", pk=org_import.pk)
    labels = ColumnMapping()
    context = {
        "org_import": org_import,
        "head": head,
        "editable": editable,
        "fields": _column_fields(choice, head.headers),
        "errors": errors,
        "column_rows": _column_summary(org_import.columns),
        "sample": read_sample(head, ColumnMapping.from_choice(choice)).rows if head.headers and not errors else [],
        "sample_fields": [(name, labels.label(name)) for name in FIELD_ORDER],
        "crumbs": _crumbs(
            (reverse("org_import:list"), _("Import org chart")),
            (reverse("org_import:detail", args=[org_import.pk]), org_import.filename),
            (None, _("Columns")),
        ),
    }
    return render(request, "organisation/import_columns.html", context, status=status)
