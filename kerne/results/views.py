"""The pages of result follow-up (/resultater/). Thin: ask access and selectors, call services, render.

Every page starts from the viewer: a unit, indicator, goal, committee or status outside their reach
answers with the Danish 403 page and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kerne.accounts import policy
from kerne.core.pdf import pdf_response
from kerne.organisation import selectors as org
from kerne.organisation.models import Organisation, Unit
from kerne.results import access, documents, forms, periods, rules, selectors, services
from kerne.results.models import (
    ImportStatus,
    Indicator,
    MeasurementImport,
    StatusState,
    Target,
)

View = TypeVar("View", bound=Callable[..., HttpResponse])
STOP_POLLING = 286


def results_required(view: View) -> View:
    """Logged in, with an organisation and a person (or HR): else login or the Danish 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.can_open_results(request.user):
            raise PermissionDenied(_("Result follow-up is for the organisation's leaders, employees and HR."))
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def manager_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.can_manage(request.user):
            raise PermissionDenied(_("Only HR administrators of the organisation can open this page."))
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def _organisation(request: HttpRequest) -> Organisation:
    organisation = policy.organisation_of(request.user)
    if organisation is None:
        raise PermissionDenied
    return organisation


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("home"), _("Front page")), (reverse("results:index"), _("Results")), *items]


def _today() -> Any:
    return timezone.localdate()


RULE_CONTEXT = {
    "on_track_points": int(rules.ON_TRACK_SLACK * 100),
    "at_risk_points": int(rules.AT_RISK_SLACK * 100),
}


# --- the leader's page, units -----------------------------------------------------------------------


@results_required
def index_view(request: HttpRequest) -> HttpResponse:
    """The leader's own unit; HR and those who lead nothing get the units in their reach."""
    own = access.own_units(request.user).order_by("depth").first()
    if own is not None:
        return _unit_response(request, own, is_index=True)
    units = selectors.units_in_reach(request.user)
    return render(
        request,
        "results/index.html",
        {
            "tree": org.build_unit_tree(units),
            "unit_count": len(units),
            "board": access.board_units(request.user).exists(),
            "is_admin": access.can_manage(request.user),
            "crumbs": [(reverse("home"), _("Front page")), (None, _("Results"))],
        },
    )


@results_required
def unit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_response(request, selectors.unit_get(request.user, pk), is_index=False)


def _unit_response(request: HttpRequest, unit: Unit, *, is_index: bool) -> HttpResponse:
    page = selectors.unit_page(request.user, unit, today=_today())
    crumbs = [(reverse("home"), _("Front page")), (None, _("Results"))] if is_index else _crumbs((None, unit.name))
    return render(
        request,
        "results/unit.html",
        {
            "page": page,
            "unit": unit,
            "is_index": is_index,
            "board": access.board_units(request.user).exists(),
            "is_admin": access.can_manage(request.user),
            "crumbs": crumbs,
            **RULE_CONTEXT,
        },
    )


@results_required
def indicator_view(request: HttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    """One indicator at one unit: chart, every period, revisions, the units below, the comment."""
    unit = selectors.unit_get(request.user, unit_pk)
    page = selectors.indicator_page(request.user, pk, unit, today=_today())
    line = page.line
    latest = (
        line.latest.period if line.latest is not None else periods.last_complete(_today(), line.indicator.frequency)
    )
    chosen = request.POST.get("period") or request.GET.get("periode") or latest.key
    existing = line.comments.get(_start(chosen))
    form = forms.CommentForm(
        request.POST or None,
        frequency=line.indicator.frequency,
        initial={"period": chosen, "text": existing.text if existing is not None else ""},
    )
    status = 200
    if request.method == "POST":
        if not page.can_comment:
            raise PermissionDenied(_("Only the unit's leader or the indicator's responsible leader can comment here."))
        if form.is_valid():
            try:
                services.comment_save(
                    indicator=line.indicator,
                    unit=unit,
                    period=form.cleaned_data["period"],
                    text=form.cleaned_data["text"],
                    actor=request.user,
                )
            except services.ResultsError as error:
                form.add_error("text", str(error))
                status = 400
            else:
                messages.success(request, _("Your comment has been saved."))
                return redirect("results:indicator", unit.pk, line.indicator.pk)
        else:
            status = 400
    rows = [
        {"period": period, "row": row, "comment": line.comments.get(period.start)}
        for period, row in reversed(line.series)
    ]
    crumbs = _crumbs((reverse("results:unit", args=[unit.pk]), unit.name), (None, line.indicator.name))
    return render(
        request,
        "results/indicator.html",
        {
            "page": page,
            "line": line,
            "unit": unit,
            "rows": rows,
            "form": form,
            "comment_period": _period_label(chosen),
            "crumbs": crumbs,
            **RULE_CONTEXT,
        },
        status=status,
    )


def _start(key: str) -> Any:
    try:
        return periods.parse_key(key).start
    except periods.PeriodError:
        return None


def _period_label(key: str) -> str:
    try:
        return periods.parse_key(key).label
    except periods.PeriodError:
        return key


@results_required
def board_view(request: HttpRequest) -> HttpResponse:
    """The direktion's board: every sector's central indicators, worst first; sortable."""
    if not access.board_units(request.user).exists():
        raise PermissionDenied(_("The board shows the sectors' results; none of them is in your reach."))
    sort = request.GET.get("sorter", "status")
    if sort not in selectors.BOARD_SORTS:
        sort = "status"
    lines = selectors.board(request.user, today=_today(), sort=sort)
    return render(
        request,
        "results/board.html",
        {"lines": lines, "sort": sort, "crumbs": _crumbs((None, _("The direktion's board"))), **RULE_CONTEXT},
    )


@results_required
def area_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A framework area: what is expected at the viewer's level there, beside its indicators."""
    unit = None
    if request.GET.get("enhed", "").isdigit():
        unit = selectors.unit_get(request.user, int(request.GET["enhed"]))
    page = selectors.area_page(request.user, pk, unit, today=_today())
    return render(
        request,
        "results/area.html",
        {"page": page, "crumbs": _crumbs((None, page.node.name)), **RULE_CONTEXT},
    )


# --- cross-cutting goals ---------------------------------------------------------------------------


@results_required
def goal_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "results/goal_list.html",
        {
            "goals": selectors.goals(request.user),
            "is_admin": access.can_manage(request.user),
            "crumbs": _crumbs((None, _("Cross-cutting goals"))),
        },
    )


@results_required
def goal_view(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.goal_page(request.user, pk, today=_today())
    return render(
        request,
        "results/goal.html",
        {
            "page": page,
            "crumbs": _crumbs((reverse("results:goals"), _("Cross-cutting goals")), (None, page.goal.name)),
            **RULE_CONTEXT,
        },
    )


@manager_required
def goal_new_view(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = forms.GoalForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        goal = services.goal_create(
            organisation=organisation,
            name=data["name"],
            description=data["description"],
            unit=data["unit"],
            owner=data["owner"],
            indicators=list(data["indicators"]),
            participants=[(u, "") for u in data["participants"]],
            actors=data["actors"],
            actor=request.user,
        )
        messages.success(request, _("The goal has been created."))
        return redirect("results:goal", goal.pk)
    return render(
        request,
        "results/form.html",
        {
            "form": form,
            "title": _("New cross-cutting goal"),
            "submit": _("Create the goal"),
            "crumbs": _crumbs((reverse("results:goals"), _("Cross-cutting goals")), (None, _("New"))),
        },
        status=400 if form.errors else 200,
    )


# --- committees and statuses ------------------------------------------------------------------------


@results_required
def committee_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "results/committee_list.html",
        {
            "committees": selectors.committees(request.user),
            "can_create": access.can_create_committee(request.user),
            "crumbs": _crumbs((None, _("Committees"))),
        },
    )


def _committee_lines(form: forms.CommitteeForm) -> list[tuple[Indicator, Unit | None]]:
    return [(indicator, None) for indicator in form.cleaned_data["indicators"]]


@results_required
def committee_new_view(request: HttpRequest) -> HttpResponse:
    if not access.can_create_committee(request.user):
        raise PermissionDenied(_("Only HR administrators and the direktion can create committees."))
    form = forms.CommitteeForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        committee = services.committee_create(
            organisation=_organisation(request),
            name=data["name"],
            cadence=data["cadence"],
            owner=data["owner"],
            due_days=data["due_days"],
            reminder_days=data["reminder_days"],
            lines=_committee_lines(form),
            actor=request.user,
        )
        messages.success(request, _("The committee has been created."))
        return redirect("results:committee", committee.pk)
    return render(
        request,
        "results/form.html",
        {
            "form": form,
            "title": _("New committee"),
            "submit": _("Create the committee"),
            "crumbs": _crumbs((reverse("results:committees"), _("Committees")), (None, _("New"))),
        },
        status=400 if form.errors else 200,
    )


@results_required
def committee_view(request: HttpRequest, pk: int) -> HttpResponse:
    committee = selectors.committee_get(request.user, pk)
    editable = access.can_edit_committee(request.user, committee)
    today = _today()
    current = services.status_period(committee, today)
    choices = [(p.key, p.label) for p in (current.shift(-step) for step in range(0, 5))]
    new_form = forms.StatusNewForm(request.POST or None, choices=choices, initial={"period": current.shift(-1).key})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Only HR administrators and the committee's direktør can draft its statuses."))
        if new_form.is_valid():
            status = services.status_draft(
                committee=committee, period=periods.parse_key(new_form.cleaned_data["period"]), actor=request.user
            )
            return redirect("results:status", status.pk)
    statuses = list(committee.statuses.order_by("-period_start"))
    return render(
        request,
        "results/committee.html",
        {
            "committee": committee,
            "pairs": selectors.committee_pairs(committee),
            "statuses": statuses,
            "editable": editable,
            "new_form": new_form,
            "crumbs": _crumbs((reverse("results:committees"), _("Committees")), (None, committee.name)),
        },
        status=400 if new_form.errors else 200,
    )


@results_required
def committee_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    committee = selectors.committee_get(request.user, pk)
    if not access.can_edit_committee(request.user, committee):
        raise PermissionDenied(_("Only HR administrators and the committee's direktør can change it."))
    form = forms.CommitteeForm(
        request.POST or None, viewer=request.user, initial=forms.CommitteeForm.initial_for(committee)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.committee_update(
            committee=committee,
            name=data["name"],
            cadence=data["cadence"],
            owner=data["owner"],
            due_days=data["due_days"],
            reminder_days=data["reminder_days"],
            active=data["active"],
            lines=_committee_lines(form),
            actor=request.user,
        )
        messages.success(request, _("The committee has been saved."))
        return redirect("results:committee", committee.pk)
    return render(
        request,
        "results/form.html",
        {
            "form": form,
            "title": _("Change %(committee)s") % {"committee": committee.name},
            "submit": _("Save"),
            "crumbs": _crumbs(
                (reverse("results:committees"), _("Committees")),
                (reverse("results:committee", args=[committee.pk]), committee.name),
                (None, _("Change")),
            ),
        },
        status=400 if form.errors else 200,
    )


@results_required
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft (live, editable by the direktør) or an issued status (frozen, revisions noted)."""
    status = selectors.status_get(request.user, pk)
    committee = status.committee
    editable = access.can_edit_committee(request.user, committee) and status.state == StatusState.DRAFT
    form = forms.StatusForm(request.POST or None, initial={"title": status.title, "summary": status.summary})
    code = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Only HR administrators and the committee's direktør can edit its statuses."))
        if form.is_valid():
            try:
                services.status_edit(
                    status=status,
                    title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"],
                    actor=request.user,
                )
            except services.ResultsError as error:
                form.add_error(None, str(error))
                code = 400
            else:
                messages.success(request, _("The text has been saved."))
                return redirect("results:status", status.pk)
        else:
            code = 400
    if status.state == StatusState.ISSUED:
        document = status.frozen or {}
        revised = documents.revisions_since(document)
    else:
        document = documents.status_document(status, today=_today())
        revised = {}
    lines = [(line, revised.get(index, [])) for index, line in enumerate(document.get("lines", []))]
    return render(
        request,
        "results/status.html",
        {
            "status": status,
            "committee": committee,
            "doc": document,
            "lines": lines,
            "editable": editable,
            "form": form,
            "crumbs": _crumbs(
                (reverse("results:committees"), _("Committees")),
                (reverse("results:committee", args=[committee.pk]), committee.name),
                (None, document.get("period_label", status.period)),
            ),
            **RULE_CONTEXT,
        },
        status=code,
    )


@require_POST
@results_required
def status_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    status = selectors.status_get(request.user, pk)
    if not access.can_edit_committee(request.user, status.committee):
        raise PermissionDenied(_("Only HR administrators and the committee's direktør can issue its statuses."))
    try:
        services.status_issue(status=status, actor=request.user)
    except services.ResultsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The status has been issued. It will not change, whatever is revised later."))
    return redirect("results:status", status.pk)


@results_required
def status_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The issued status's stored PDF (byte for byte); a draft is rendered now and marked as a draft."""
    status = selectors.status_get(request.user, pk)
    if status.state == StatusState.ISSUED:
        pdf = bytes(status.pdf)
    else:
        pdf = documents.render_status_pdf(documents.status_document(status, today=_today()))
    name = f"status-{status.committee.name}-{status.period}".lower().replace(" ", "-").replace("/", "-")
    return pdf_response(pdf, f"{name}.pdf")


# --- HR: indicators, targets and imports ------------------------------------------------------------


@manager_required
def indicator_list_view(request: HttpRequest) -> HttpResponse:
    indicators = list(
        Indicator.objects.filter(organisation_id=_organisation(request).pk)
        .select_related("responsible_unit", "responsible_person")
        .order_by("position", "name")
    )
    return render(
        request,
        "results/indicator_list.html",
        {"indicators": indicators, "crumbs": _crumbs((None, _("Indicators")))},
    )


def _indicator_fields(form: forms.IndicatorForm) -> dict[str, Any]:
    data = form.cleaned_data
    fields = {name: data[name] for name in services.INDICATOR_FIELDS if name in data and name != "source_config"}
    fields["source_config"] = data.get("source_config_text") or {}
    return fields


@manager_required
def indicator_new_view(request: HttpRequest) -> HttpResponse:
    form = forms.IndicatorForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(
                organisation=_organisation(request),
                actor=request.user,
                contributing_units=list(form.cleaned_data["contributing_units"]),
                framework_nodes=list(form.cleaned_data["framework_nodes"]),
                **_indicator_fields(form),
            )
        except services.ResultsError as error:
            form.add_error("key", str(error))
        else:
            messages.success(request, _("The indicator has been created. Set its targets below."))
            return redirect("results:indicator_edit", indicator.pk)
    return render(
        request,
        "results/form.html",
        {
            "form": form,
            "title": _("New indicator"),
            "submit": _("Create the indicator"),
            "crumbs": _crumbs((reverse("results:indicators"), _("Indicators")), (None, _("New"))),
        },
        status=400 if form.errors else 200,
    )


@manager_required
def indicator_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk, organisation_id=_organisation(request).pk)
    form = forms.IndicatorForm(
        request.POST if request.POST.get("form") == "indicator" else None, instance=indicator, viewer=request.user
    )
    target_form = forms.TargetForm(request.POST if request.POST.get("form") == "target" else None, viewer=request.user)
    code = 200
    if request.method == "POST" and request.POST.get("form") == "indicator":
        if form.is_valid():
            try:
                services.indicator_update(
                    indicator=Indicator.objects.get(pk=indicator.pk),
                    actor=request.user,
                    contributing_units=list(form.cleaned_data["contributing_units"]),
                    framework_nodes=list(form.cleaned_data["framework_nodes"]),
                    **_indicator_fields(form),
                )
            except services.ResultsError as error:
                form.add_error(None, str(error))
                code = 400
            else:
                messages.success(request, _("The indicator has been saved."))
                return redirect("results:indicator_edit", indicator.pk)
        else:
            code = 400
    if request.method == "POST" and request.POST.get("form") == "target":
        if target_form.is_valid():
            data = target_form.cleaned_data
            try:
                services.target_set(
                    indicator=indicator,
                    period=data["period"],
                    value=data["value"],
                    baseline=data["baseline"],
                    unit=data["unit"],
                    note=data["note"],
                    actor=request.user,
                )
            except services.ResultsError as error:
                target_form.add_error("period", str(error))
                code = 400
            else:
                messages.success(request, _("The target has been saved."))
                return redirect("results:indicator_edit", indicator.pk)
        else:
            code = 400
    targets = list(
        Target.objects.filter(indicator=indicator).select_related("unit").order_by("-period_start", "unit__path")
    )
    return render(
        request,
        "results/indicator_edit.html",
        {
            "indicator": indicator,
            "form": form,
            "target_form": target_form,
            "targets": targets,
            "crumbs": _crumbs((reverse("results:indicators"), _("Indicators")), (None, indicator.name)),
        },
        status=code,
    )


@require_POST
@manager_required
def target_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(
        Target.objects.select_related("indicator"), pk=pk, indicator__organisation_id=_organisation(request).pk
    )
    indicator_pk = target.indicator_id
    services.target_delete(target=target, actor=request.user)
    messages.success(request, _("The target has been removed."))
    return redirect("results:indicator_edit", indicator_pk)


@manager_required
def import_list_view(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = forms.UploadForm(request.POST or None, request.FILES or None, organisation_id=organisation.pk)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = services.measurement_import_upload(
            organisation=organisation,
            data=upload.read(),
            filename=upload.name,
            file_format=form.cleaned_data["file_format"],
            indicator=form.cleaned_data["indicator"],
            actor=request.user,
        )
        return redirect("results:import", record.pk)
    from kerne.results.tables import COLUMN_LABELS, HEADERS

    return render(
        request,
        "results/import_list.html",
        {
            "form": form,
            "imports": selectors.imports(request.user),
            "columns": [(COLUMN_LABELS[name], ", ".join(HEADERS[name])) for name in HEADERS],
            "crumbs": _crumbs((None, _("Import measurements"))),
        },
        status=400 if form.errors else 200,
    )


def _import(request: HttpRequest, pk: int) -> MeasurementImport:
    record = (
        MeasurementImport.objects.filter(pk=pk, organisation_id=_organisation(request).pk)
        .select_related("organisation", "uploaded_by", "applied_by", "indicator")
        .first()
    )
    if record is None:
        raise PermissionDenied(_("This import does not belong to your organisation."))
    return record


@manager_required
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import(request, pk)
    return render(
        request,
        "results/import.html",
        {
            "record": record,
            "summary": record.summary,
            "crumbs": _crumbs((reverse("results:imports"), _("Import measurements")), (None, record.filename)),
        },
    )


@require_POST
@manager_required
def import_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import(request, pk)
    try:
        services.measurement_import_start(record=record, actor=request.user)
    except services.ResultsError as error:
        messages.error(request, str(error))
    return redirect("results:import", record.pk)


@manager_required
def import_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = _import(request, pk)
    response = render(request, "results/_import_state.html", {"record": record, "summary": record.summary})
    if record.status != ImportStatus.RUNNING:
        response.status_code = STOP_POLLING
    return response
