"""HR's audit log: every event of the organisation in Danish, filtered, 50 a page, and as CSV for the DPO.

The names and details of the events come from kerne.core.audit_types (each app registers its own).
A page is a fixed number of queries: the session, the user, the count, the page (with the acting
login and the person concerned joined in), and one query per kind of referenced row on the page.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kerne.accounts import policy, services
from kerne.accounts.models import User
from kerne.core.audit_types import action_label, describe_events, registered_actions
from kerne.core.downloads import download_name, download_response
from kerne.core.models import AuditEvent
from kerne.core.tables import CSV_TYPE, DATETIME, Column, csv_text

PAGE_SIZE = 50
# One CSV export holds at most this many events; narrow the filter for more.
EXPORT_LIMIT = 100_000
TEXT_FILTER_LENGTH = 100


def _tenant_id(request: HttpRequest) -> int:
    organisation_id = getattr(request.user, "organisation_id", None)
    if not isinstance(organisation_id, int):
        raise PermissionDenied(_("Only HR administrators of the organisation can open this page."))
    return organisation_id


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    actor = forms.CharField(
        label=gettext_lazy("Done by"),
        required=False,
        max_length=TEXT_FILTER_LENGTH,
        help_text=gettext_lazy("Name or e-mail address, or part of it."),
    )
    about = forms.CharField(
        label=gettext_lazy("Concerning"),
        required=False,
        max_length=TEXT_FILTER_LENGTH,
        help_text=gettext_lazy("The person the event is about: name or employee number."),
    )
    date_from = forms.DateField(label=gettext_lazy("From date"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To date"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labelled = sorted(((a, action_label(a)) for a in registered_actions()), key=lambda c: c[1])
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", _("All actions")), *labelled]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("date_to", _("The to date must not be before the from date."))
        return cleaned


def filter_events(events: QuerySet[AuditEvent], data: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The events matching a valid filter (action, who acted, whom it concerns, date range)."""
    if data.get("action"):
        events = events.filter(action=data["action"])
    if actor := (data.get("actor") or "").strip():
        events = events.filter(
            Q(actor_label__icontains=actor)
            | Q(actor__first_name__icontains=actor)
            | Q(actor__last_name__icontains=actor)
            | Q(actor__person__name__icontains=actor)
        )
    if about := (data.get("about") or "").strip():
        events = events.filter(
            Q(about_label__icontains=about)
            | Q(about_person__name__icontains=about)
            | Q(about_person__employee_number=about)
        )
    if data.get("date_from"):
        events = events.filter(created_at__date__gte=data["date_from"])
    if data.get("date_to"):
        events = events.filter(created_at__date__lte=data["date_to"])
    return events


def _events(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    events = AuditEvent.objects.filter(organisation_id=_tenant_id(request)).select_related("actor", "about_person")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        events = filter_events(events, form.cleaned_data)
    # Bad input is explained above the list and filters nothing.
    return form, events


@policy.org_admin_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    """The organisation's audit log, newest first, filtered (fixed number of queries a page)."""
    form, events = _events(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    filtered = form.is_bound and form.is_valid() and any(form.cleaned_data.values())
    return render(
        request,
        "accounts/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": describe_events(page.object_list),
            "query": query.urlencode(),
            "filtered": filtered,
            "export_url": reverse("accounts:audit_log_csv") + (f"?{query.urlencode()}" if query else ""),
            "crumbs": [(reverse("home"), _("Front page")), (None, _("Audit log"))],
        },
    )


def audit_columns() -> list[Column]:
    return [
        Column(_("Time"), DATETIME),
        Column(_("Done by")),
        Column(_("Action")),
        Column(_("Concerning")),
        Column(_("Object")),
        Column(_("Details")),
        Column(_("Action code")),
    ]


@policy.org_admin_required
def audit_log_csv(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV for the data protection officer: who, what, about whom, when.

    The export itself is recorded in the log (with the filter used), as it copies personal data.
    """
    form, events = _events(request)
    if form.is_bound and not form.is_valid():
        return audit_log_view(request)
    chosen = list(events[:EXPORT_LIMIT])
    rows = [
        [
            view.event.created_at,
            view.actor,
            view.label,
            view.about,
            view.event.object_label,
            "; ".join(f"{label}: {value}" for label, value in view.details),
            view.event.action,
        ]
        for view in describe_events(chosen)
    ]
    used = {key: str(value) for key, value in (form.cleaned_data.items() if form.is_bound else []) if value}
    services.audit_log_export_record(actor=cast(User, request.user), events=len(rows), filters=used)
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return download_response(
        csv_text(audit_columns(), rows),
        filename=download_name(_("audit log"), stamp, extension="csv"),
        content_type=CSV_TYPE,
    )
