"""Report pages: the leader's own report (HTML, PDF), the organisation's picture, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.core.downloads import content_disposition, download_name, download_response
from kerne.core.pdf import pdf_response, render_pdf
from kerne.core.tables import CSV_TYPE, XLSX_TYPE
from kerne.evaluations.closing import round_publish
from kerne.evaluations.models import ALL_OTHERS, Disclosure, HiddenReason, ReportReader, Round, RoundStatus, Subject
from kerne.reports import access, exports, focus, services
from kerne.reports.models import PdfBatch
from kerne.reports.organisation import VIEWS, org_report
from kerne.reports.personal import load_personal_report
from kerne.reports.presenters import org_context, personal_context


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports this user may open: exactly what access allows (their own, their employees', the
    line's as the round says, and for HR every report the round lets HR see), 50 a page."""
    subjects = (
        access.readable_subjects(request.user).select_related("round").order_by("-round__closed_at", "name", "pk")
    )
    page = Paginator(subjects, 50).get_page(request.GET.get("side"))
    rows = [(subject, READER_REASONS.get(str(getattr(subject, "reason", "")), "")) for subject in page.object_list]
    rounds = access.readable_rounds(request.user).select_related("organisation").order_by("-closed_at", "pk")
    hr_rounds = []
    if policy.is_org_admin(request.user):  # HR's own line per closed round: what HR may open, or why not
        hr_rounds = list(
            Round.objects.filter(
                organisation=policy.organisation_of(request.user),
                status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED],
            )
            .select_related("disclosure")
            .annotate(leaders=Count("subjects", filter=Q(subjects__included=True)))
            .order_by("-closed_at", "pk")
        )
    return render(
        request,
        "reports/list.html",
        {
            "page": page,
            "rows": rows,
            "rounds": rounds,
            "hr_rounds": hr_rounds,
            "person": policy.person_of(request.user),
            "is_admin": policy.is_org_admin(request.user),
        },
    )


# The reader's relation to the leader, as the list says it.
READER_REASONS = {access.HR: gettext_lazy("HR administrator"), **dict(ReportReader.Reason.choices)}


def _subject_for(request: HttpRequest, subject_id: int) -> tuple[Subject, str]:
    subject = (
        Subject.objects.select_related(
            "round", "round__organisation", "round__framework", "unit", "org_role_level", "manager"
        )
        .filter(pk=subject_id)
        .first()
    )
    if subject is None:
        raise Http404
    reason = access.personal_report_reason(request.user, subject)
    if reason is None:
        # Another organisation's report does not exist for this user; in their own, it is forbidden.
        if policy.organisation_of(request.user) != subject.round.organisation:
            raise Http404
        raise PermissionDenied(_("You may not see this leader's report."))
    return subject, reason


@login_required
def personal_report(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject, reason = _subject_for(request, subject_id)
    report = load_personal_report(subject, request.user)
    services.report_view_record(actor=policy.actor_of(request), subject=subject, kind="html", reason=reason)
    focus_points = focus.for_viewer(report, request.user)
    return render(
        request, "reports/personal.html", {**personal_context(report), "reason": reason, "focus_points": focus_points}
    )


@login_required
def personal_report_pdf(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject, reason = _subject_for(request, subject_id)
    report = load_personal_report(subject, request.user)
    services.report_view_record(actor=policy.actor_of(request), subject=subject, kind="pdf", reason=reason)
    context = {**personal_context(report), "focus_points": focus.for_viewer(report, request.user)}
    pdf = render_pdf("reports/personal_pdf.html", context, request=request)
    return pdf_response(pdf, download_name(subject.name, subject.round.name, extension="pdf"))


def _round_for(request: HttpRequest, round_id: int) -> tuple[Round, list[Any]]:
    round_ = get_object_or_404(Round.objects.select_related("framework", "organisation"), pk=round_id)
    if policy.organisation_of(request.user) != round_.organisation:
        raise Http404
    scope = access.org_report_scope(request.user, round_)
    if scope is None:
        raise PermissionDenied(_("You may not see this round's organisation report."))
    return round_, scope


def _view(request: HttpRequest) -> str:
    view = request.GET.get("visning", ALL_OTHERS)
    return view if view in VIEWS else ALL_OTHERS


def _levels(request: HttpRequest) -> int:
    """How many levels of units the heat map shows (the rest is in the export)."""
    raw = request.GET.get("niveauer", "")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_LEVELS else DEFAULT_LEVELS


DEFAULT_LEVELS = 3
MAX_LEVELS = 8


def _preparing(request: HttpRequest, round_id: int) -> HttpResponse | None:
    """HR's page while the round's disclosure decision is being made (or has failed)."""
    round_ = get_object_or_404(Round.objects.select_related("framework", "organisation"), pk=round_id)
    if not access.preparing(request.user, round_):
        return None
    disclosure = Disclosure.objects.filter(round=round_).first()
    template = "reports/_preparing.html" if request.headers.get("HX-Request") else "reports/preparing.html"
    response = render(request, template, {"round": round_, "disclosure": disclosure})
    if request.headers.get("HX-Request") and disclosure and disclosure.status == Disclosure.Status.DONE:
        response["HX-Refresh"] = "true"
    return response


@login_required
def org_report_page(request: HttpRequest, round_id: int) -> HttpResponse:
    preparing = _preparing(request, round_id)
    if preparing is not None:
        return preparing
    round_, scope = _round_for(request, round_id)
    view = _view(request)
    levels = _levels(request)
    report = org_report(round_, scope, [view], request.user)
    context = org_context(report, view)
    top = min((row.depth for row in report.units), default=0)
    context["unit_rows"] = [row for row in report.units if row.depth - top < levels]
    context["levels"] = levels
    context["roles_protected"] = any(cells[view].reason == HiddenReason.PROTECTS for _level, cells in report.roles)
    context["level_choices"] = range(1, MAX_LEVELS + 1)
    context["is_admin"] = policy.is_org_admin(request.user)
    if context["is_admin"]:
        context["batch"] = PdfBatch.objects.filter(round=round_).first()
        context["disclosure"] = Disclosure.objects.filter(round=round_).first()
    return render(request, "reports/organisation.html", context)


@login_required
@require_POST
def disclosure_retry(request: HttpRequest, round_id: int) -> HttpResponse:
    """HR asks again for a decision that failed (the error is on the page)."""
    round_ = get_object_or_404(Round.objects.select_related("organisation"), pk=round_id)
    try:
        services.disclosure_retry(round_=round_, actor=policy.actor_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:organisation", round_id=round_.pk)


def _may_read_all(request: HttpRequest, round_: Round, refusal: str | None = None) -> None:
    """Every personal report of the round at once (HR's list, the PDF batch): 404 outside the
    organisation, 403 with the reason inside it."""
    organisation = policy.organisation_of(request.user)
    if organisation is None or organisation.pk != round_.organisation_id:
        raise Http404
    why = access.all_personal_refusal(request.user, round_)
    if why is not None:
        raise PermissionDenied(refusal or why)


@login_required
def subject_list(request: HttpRequest, round_id: int) -> HttpResponse:
    """HR: the leaders of a round whose personal reports HR may open, 50 a page, searchable."""
    round_ = get_object_or_404(Round.objects.select_related("framework", "organisation"), pk=round_id)
    _may_read_all(request, round_, _("You may not see this round's personal reports."))
    query = request.GET.get("q", "").strip()[:100]
    subjects = round_.subjects.filter(included=True).select_related("org_role_level").order_by("unit_name", "name")
    if query:
        subjects = subjects.filter(Q(name__icontains=query) | Q(unit_name__icontains=query))
    page = Paginator(subjects, 50).get_page(request.GET.get("side"))
    return render(request, "reports/subjects.html", {"round": round_, "page": page, "query": query})


@login_required
def org_export(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    round_, scope = _round_for(request, round_id)
    report = org_report(round_, scope, viewer=request.user)
    if report.empty:
        raise Http404(_("Nothing in this report may be shown, so there is nothing to export."))
    if fmt == "csv":
        name = download_name(round_.name, _("organisation"), extension="csv")
        return download_response(exports.org_csv(report), filename=name, content_type=CSV_TYPE)
    if fmt == "xlsx":
        name = download_name(round_.name, _("organisation"), extension="xlsx")
        return download_response(exports.org_xlsx(report), filename=name, content_type=XLSX_TYPE)
    raise Http404


@login_required
@require_POST
def publish(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, _scope = _round_for(request, round_id)
    try:
        count = round_publish(round_=round_, actor=policy.actor_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:organisation", round_id=round_.pk)
    messages.success(
        request,
        _(
            "The reports are released to %(count)s leaders. The e-mails to them are being sent; "
            "this page shows how many have gone out."
        )
        % {"count": count},
    )
    return redirect("reports:organisation", round_id=round_.pk)


@login_required
@require_POST
def pdf_batch_start(request: HttpRequest, round_id: int) -> HttpResponse:
    round_, _scope = _round_for(request, round_id)
    services.pdf_batch_create(round_=round_, actor=policy.actor_of(request))
    return redirect("reports:organisation", round_id=round_.pk)


@login_required
def pdf_batch_status(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(PdfBatch.objects.select_related("round"), pk=batch_id)
    _may_read_all(request, batch.round)
    return render(request, "reports/_batch.html", {"batch": batch})


@login_required
def pdf_batch_download(request: HttpRequest, batch_id: int) -> FileResponse:
    batch = get_object_or_404(PdfBatch.objects.select_related("round", "round__organisation"), pk=batch_id)
    _may_read_all(request, batch.round)
    if batch.status != PdfBatch.Status.DONE:
        raise PermissionDenied
    audit_record(
        actor=policy.actor_of(request),
        action="report.pdf_batch_downloaded",
        obj=batch.round,
        organisation=batch.round.organisation,
    )
    response = FileResponse(batch.file.open("rb"), content_type="application/zip")
    response["Content-Disposition"] = content_disposition(
        download_name(batch.round.name, _("reports"), extension="zip")
    )
    return response
