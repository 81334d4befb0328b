"""Pages of the leader and the own leader: the report talk, the LUS, the plan, the team dialogue.

Thin: look the object up, ask kerne.development.access, call a selector or a service, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kerne.accounts import policy
from kerne.core.pdf import pdf_response, render_pdf
from kerne.development import access, forms, guides, report_input, selectors
from kerne.development import seesaw as seesaw_rules
from kerne.development.models import (
    ActionKind,
    ConversationCard,
    FocusPoint,
    ItemStatus,
    Lus,
    LusSeason,
    LusStatus,
    Onboarding,
    Plan,
    PlanItem,
    PlanStatus,
    ReportTalk,
    StatusTalk,
    Summary,
    TalkStatus,
    TeamDialogue,
)
from kerne.development.models.talks import OPEN_TALK
from kerne.development.services import dialogue as dialogue_services
from kerne.development.services import lus as lus_services
from kerne.development.services import plans as plan_services
from kerne.development.services import records, talks
from kerne.evaluations.models import RoundStatus, Subject
from kerne.frameworks.models import Node
from kerne.organisation.models import Person

CSS = "development/development.css"


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("home"), _("Front page")), (reverse("development:index"), _("Development")), *items]


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _owned(request: HttpRequest, model: Any, pk: int, **related: Any) -> tuple[Any, str]:
    obj = model.objects.select_related(*related.get("related", ())).filter(pk=pk).first()
    organisation = policy.organisation_of(request.user)
    if obj is None or organisation is None or obj.organisation_id != organisation.pk:
        raise Http404  # another organisation's talk does not exist for this user
    reason = access.relation(request.user, obj)
    if reason is None:
        raise PermissionDenied(_("You may not see this."))
    return obj, reason


# --- the leader's page ---------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    mine = selectors.my_development(request.user)
    return render(
        request,
        "development/index.html",
        {
            "mine": mine,
            "is_admin": policy.is_org_admin(request.user),
            "crumbs": [(reverse("home"), _("Front page")), (None, _("Development"))],
        },
    )


# --- the report talk ---------------------------------------------------------------------------


def _summary_for_reader(summaries: list[Summary], reason: str) -> Summary | None:
    """Parties see the current version; the line and HR only the latest version both confirmed."""
    if reason in access.PARTIES:
        return next((s for s in summaries if s.current), None)
    return next((s for s in summaries if s.agreed), None)


@login_required
def talk_page(request: HttpRequest, talk_id: int) -> HttpResponse:
    return _talk_response(request, talk_id)


def _talk_response(request: HttpRequest, talk_id: int, typed: dict[str, str] | None = None) -> HttpResponse:
    talk, reason = _owned(
        request, ReportTalk, talk_id, related=("round", "round__framework", "subject", "organisation", "unit")
    )
    party = reason if reason in access.PARTIES else None
    text_reason = access.text_reason(request.user, talk)
    summaries = list(talk.summaries.all()) if text_reason else []
    summary = _summary_for_reader(summaries, reason)
    if summary is not None:
        records.view_record(actor=request.user, obj=talk, what="talk_summary", reason=reason)
    context: dict[str, Any] = {
        "talk": talk,
        "reason": reason,
        "party": party,
        "summary": summary,
        "versions": summaries if party else [s for s in summaries if s.agreed],
        "plan": talk.plans.first(),
        "open": talk.status in OPEN_TALK,
        "css": CSS,
        "crumbs": _crumbs((None, _("Report talk: %(name)s") % {"name": talk.leader_name})),
    }
    if party:
        context["report"] = report_input.report_input(talk.subject)
        note = access.note_for(request.user, talk=talk)
        context["note_form"] = forms.NoteForm(initial={"text": note.text if note else ""}, auto_id="note_%s")
        context["note"] = note
        context["summary_form"] = forms.SummaryForm(
            initial={"text": typed.get("text", "") if typed else (summary.text if summary else "")},
            auto_id="summary_%s",
        )
        context["booking_form"] = forms.BookingForm(
            initial={"starts_at": talk.starts_at, "minutes": talk.duration_minutes, "location": talk.location}
        )
        context["confirmed_by_me"] = summary is not None and (
            summary.leader_confirmed_at if party == access.LEADER else summary.manager_confirmed_at
        )
    if party == access.MANAGER or reason == access.HR:
        context["cancel_form"] = forms.CancelForm(auto_id="cancel_%s")
    return render(request, "development/talk.html", context)


@login_required
@require_POST
def talk_note(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk, _reason = _owned(request, ReportTalk, talk_id)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        records.note_save(actor=request.user, talk=talk, text=form.cleaned_data["text"])
        messages.success(request, _("Your notes are saved. Only you can read them."))
    else:
        messages.error(request, _("The notes could not be saved: they are too long."))
    return redirect("development:talk", talk_id=talk.pk)


@login_required
@require_POST
def talk_book(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk, _reason = _owned(request, ReportTalk, talk_id, related=("round",))
    form = forms.BookingForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("development:talk", talk_id=talk.pk)
    try:
        talks.talk_book(
            actor=request.user,
            talk=talk,
            starts_at=form.cleaned_data["starts_at"],
            minutes=form.cleaned_data["minutes"],
            location=form.cleaned_data["location"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The time is booked. You both get a calendar invitation by e-mail."))
    return redirect("development:talk", talk_id=talk.pk)


@login_required
@require_POST
def talk_cancel(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk, _reason = _owned(request, ReportTalk, talk_id)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the talk is cancelled."))
        return redirect("development:talk", talk_id=talk.pk)
    try:
        talks.talk_cancel(actor=request.user, talk=talk, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The talk is cancelled. Both have been told."))
    return redirect("development:talk", talk_id=talk.pk)


def _summary_post(request: HttpRequest, *, talk: ReportTalk | None = None, lus: Lus | None = None) -> bool:
    """Save or confirm; returns False when the input was refused (the page is shown again with it)."""
    if "confirm" in request.POST:
        try:
            summary = records.summary_confirm(actor=request.user, talk=talk, lus=lus)
        except ValidationError as exc:
            _errors(request, exc)
            return False
        messages.success(
            request,
            _("You have confirmed the summary. Both have confirmed it.")
            if summary.agreed
            else _("You have confirmed the summary. Waiting for the other party."),
        )
        return True
    notes = {}
    if lus is not None:
        notes = {str(card.pk): request.POST.get(f"card_{card.pk}", "") for card in lus.season.cards.all()}
    try:
        summary = records.summary_save(
            actor=request.user, talk=talk, lus=lus, text=request.POST.get("text", ""), card_notes=notes
        )
    except ValidationError as exc:
        _errors(request, exc)
        return False
    messages.success(request, _("The summary is saved as version %(version)s.") % {"version": summary.version})
    return True


@login_required
@require_POST
def talk_summary(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk, _reason = _owned(request, ReportTalk, talk_id, related=("round", "organisation"))
    if not _summary_post(request, talk=talk):
        # Shown again with what the person typed: nothing typed is lost.
        return _talk_response(request, talk.pk, typed={"text": request.POST.get("text", "")})
    return redirect("development:talk", talk_id=talk.pk)


@login_required
def talk_pdf(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk, reason = _owned(request, ReportTalk, talk_id, related=("round", "organisation", "unit", "org_role_level"))
    if access.text_reason(request.user, talk) is None:
        raise PermissionDenied(_("You may not read this summary."))
    summaries = list(talk.summaries.all())
    summary = _summary_for_reader(summaries, reason)
    if summary is None:
        raise Http404
    records.view_record(actor=request.user, obj=talk, what="talk_summary_pdf", reason=reason)
    pdf = render_pdf(
        "development/summary_pdf.html",
        {"meeting": talk, "kind": "talk", "summary": summary, "plan": talk.plans.first()},
        request=request,
    )
    return pdf_response(pdf, f"rapportsamtale-{slugify(talk.leader_name)}-v{summary.version}.pdf")


@login_required
@require_POST
def talk_plan(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk, _reason = _owned(request, ReportTalk, talk_id, related=("round", "round__framework"))
    plan = plan_services.plan_start(actor=request.user, talk=talk)
    return redirect("development:plan", plan_id=plan.pk)


# --- the LUS -----------------------------------------------------------------------------------


def _seesaw_context(lus: Lus, report: report_input.ReportInput | None) -> dict[str, Any]:
    areas = list(Node.objects.filter(framework=lus.season.framework, depth=0, general=False).order_by("position"))
    labels = [(a.label, a.perspective) for a in areas]
    context: dict[str, Any] = {"seesaw_areas": areas}
    if report is not None and report.has_results:
        means = {a.key: a.others for a in report.areas}
        context["seesaw_report"] = seesaw_rules.drawing(
            [
                (
                    f"{a.label} {means[a.key]:.1f}".replace(".", ",") if means.get(a.key) is not None else a.label,
                    a.perspective,
                )
                for a in areas
            ],
            title=_("The report's balance: everyone else's mean in each area"),
            tilt=seesaw_rules.tilt_from_means([means.get(a.key) for a in areas]),
            ident="seesaw-report",
        )
    for field, title, ident in (
        ("seesaw_situation", _("Where the situation asks you to tilt now"), "seesaw-situation"),
        ("seesaw_time", _("Where your time goes today"), "seesaw-time"),
    ):
        shares = getattr(lus, field)
        if shares:
            context[ident.replace("-", "_")] = seesaw_rules.drawing(
                [(f"{a.label} {shares.get(a.key, 0)} %", a.perspective) for a in areas],
                title=title,
                tilt=seesaw_rules.tilt_from_shares([shares.get(a.key, 0) for a in areas]),
                ident=ident,
            )
    context["labels"] = labels
    return context


@login_required
def lus_page(request: HttpRequest, lus_id: int) -> HttpResponse:
    return _lus_response(request, lus_id)


def _lus_response(request: HttpRequest, lus_id: int, typed: dict[str, str] | None = None) -> HttpResponse:
    lus, reason = _owned(request, Lus, lus_id, related=("season", "season__framework", "organisation", "leader"))
    party = reason if reason in access.PARTIES else None
    text_reason = access.text_reason(request.user, lus)
    summaries = list(lus.summaries.all()) if text_reason else []
    summary = _summary_for_reader(summaries, reason)
    if summary is not None:
        records.view_record(actor=request.user, obj=lus, what="lus_summary", reason=reason)
    cards = list(lus.season.cards.all())
    context: dict[str, Any] = {
        "lus": lus,
        "reason": reason,
        "party": party,
        "summary": summary,
        "versions": summaries if party else [s for s in summaries if s.agreed],
        "cards": [
            (
                card,
                typed.get(f"card_{card.pk}", "")
                if typed
                else (summary.card_notes if summary else {}).get(str(card.pk), ""),
            )
            for card in cards
        ],
        "plan": lus.plans.first(),
        "css": CSS,
        "crumbs": _crumbs((None, _("LUS: %(name)s") % {"name": lus.leader_name})),
    }
    if party:
        subject = report_input.latest_released_subject(lus.leader)
        report = report_input.report_input(subject) if subject is not None else None
        context["report"] = report
        context["statements"] = selectors.level_statements(lus.season.framework, lus.framework_role_level)
        last_plan = (
            Plan.objects.filter(leader=lus.leader)
            .exclude(lus=lus)
            .prefetch_related("items", "status_talks")
            .order_by("-created_at")
            .first()
        )
        context["last_plan"] = last_plan
        context["onboarding"] = (
            Onboarding.objects.filter(lus=lus).prefetch_related("steps").first()
        )  # the first LUS starts from the new leader's programme
        note = access.note_for(request.user, lus=lus)
        context["note_form"] = forms.NoteForm(initial={"text": note.text if note else ""}, auto_id="note_%s")
        context["summary_form"] = forms.SummaryForm(
            initial={"text": typed.get("text", "") if typed else (summary.text if summary else "")},
            auto_id="summary_%s",
        )
        context["booking_form"] = forms.BookingForm(
            initial={"starts_at": lus.starts_at, "minutes": lus.duration_minutes, "location": lus.location}
        )
        context["confirmed_by_me"] = summary is not None and (
            summary.leader_confirmed_at if party == access.LEADER else summary.manager_confirmed_at
        )
        if lus.season.framework.picture == "seesaw":
            context.update(_seesaw_context(lus, report))
            initial: dict[str, Any] = {f"situation_{k}": v for k, v in lus.seesaw_situation.items()}
            initial.update({f"time_{k}": v for k, v in lus.seesaw_time.items()})
            context["seesaw_form"] = forms.SeesawForm(
                initial=initial, areas=[(a.key, a.label) for a in context["seesaw_areas"]]
            )
    return render(request, "development/lus.html", context)


@login_required
@require_POST
def lus_note(request: HttpRequest, lus_id: int) -> HttpResponse:
    lus, _reason = _owned(request, Lus, lus_id)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        records.note_save(actor=request.user, lus=lus, text=form.cleaned_data["text"])
        messages.success(request, _("Your notes are saved. Only you can read them."))
    else:
        messages.error(request, _("The notes could not be saved: they are too long."))
    return redirect("development:lus", lus_id=lus.pk)


@login_required
@require_POST
def lus_book(request: HttpRequest, lus_id: int) -> HttpResponse:
    lus, _reason = _owned(request, Lus, lus_id, related=("season",))
    form = forms.BookingForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(str(e) for e in errors)}")
        return redirect("development:lus", lus_id=lus.pk)
    try:
        lus_services.lus_book(
            actor=request.user,
            lus=lus,
            starts_at=form.cleaned_data["starts_at"],
            minutes=form.cleaned_data["minutes"],
            location=form.cleaned_data["location"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The time is booked. You both get a calendar invitation by e-mail."))
    return redirect("development:lus", lus_id=lus.pk)


@login_required
@require_POST
def lus_summary(request: HttpRequest, lus_id: int) -> HttpResponse:
    lus, _reason = _owned(request, Lus, lus_id, related=("season", "organisation"))
    if not _summary_post(request, lus=lus):
        return _lus_response(
            request, lus.pk, typed={k: str(v) for k, v in request.POST.items() if k == "text" or k.startswith("card_")}
        )
    return redirect("development:lus", lus_id=lus.pk)


@login_required
@require_POST
def lus_seesaw(request: HttpRequest, lus_id: int) -> HttpResponse:
    lus, _reason = _owned(request, Lus, lus_id, related=("season", "season__framework"))
    areas = list(Node.objects.filter(framework=lus.season.framework, depth=0, general=False).order_by("position"))
    form = forms.SeesawForm(request.POST, areas=[(a.key, a.label) for a in areas])
    try:
        lus_services.lus_seesaw_set(
            actor=request.user, lus=lus, situation=form.values("situation"), time=form.values("time")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your seesaw is saved."))
    return redirect("development:lus", lus_id=lus.pk)


@login_required
def lus_pdf(request: HttpRequest, lus_id: int) -> HttpResponse:
    lus, reason = _owned(request, Lus, lus_id, related=("season", "organisation", "unit", "org_role_level"))
    if access.text_reason(request.user, lus) is None:
        raise PermissionDenied(_("You may not read this summary."))
    summary = _summary_for_reader(list(lus.summaries.all()), reason)
    if summary is None:
        raise Http404
    records.view_record(actor=request.user, obj=lus, what="lus_summary_pdf", reason=reason)
    cards = [(card, summary.card_notes.get(str(card.pk), "")) for card in lus.season.cards.all()]
    pdf = render_pdf(
        "development/summary_pdf.html",
        {"meeting": lus, "kind": "lus", "summary": summary, "cards": cards, "plan": lus.plans.first()},
        request=request,
    )
    return pdf_response(pdf, f"lus-{slugify(lus.leader_name)}-v{summary.version}.pdf")


@login_required
@require_POST
def lus_plan(request: HttpRequest, lus_id: int) -> HttpResponse:
    lus, _reason = _owned(request, Lus, lus_id, related=("season", "season__framework"))
    plan = plan_services.plan_start(actor=request.user, lus=lus)
    return redirect("development:plan", plan_id=plan.pk)


@login_required
def lus_convene(request: HttpRequest, season_id: int, person_id: int) -> HttpResponse:
    organisation = policy.organisation_of(request.user)
    season = get_object_or_404(LusSeason.objects.select_related("framework"), pk=season_id, organisation=organisation)
    leader = get_object_or_404(Person, pk=person_id, organisation=organisation)
    form = forms.ConveneForm(request.POST or None, initial={"minutes": 90})
    if request.method == "POST" and form.is_valid():
        try:
            lus = lus_services.lus_convene(
                actor=request.user,
                season=season,
                leader=leader,
                starts_at=form.cleaned_data["starts_at"],
                minutes=form.cleaned_data["minutes"],
                location=form.cleaned_data["location"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The LUS is convened. You both get an invitation by e-mail."))
            return redirect("development:lus", lus_id=lus.pk)
    elif request.method == "GET":
        me = policy.person_of(request.user)
        from kerne.organisation import selectors as org_selectors

        position = org_selectors.current_position(request.user, leader)
        if me is None or position is None or position.manager_id != me.pk:
            raise PermissionDenied(_("A LUS is convened by the leader's own leader."))
    return render(
        request,
        "development/convene.html",
        {"season": season, "leader": leader, "form": form, "css": CSS, "crumbs": _crumbs((None, _("Convene a LUS")))},
    )


# --- the plan ----------------------------------------------------------------------------------


def _plan_context(request: HttpRequest, plan: Plan, reason: str) -> dict[str, Any]:
    party = reason if reason in access.PARTIES else None
    items = list(plan.items.select_related("activity"))
    statements = selectors.level_statements(plan.framework, plan.framework_role_level)
    texts = {s.key: s for s in statements}
    nodes = {n.key: n for n in selectors.plan_nodes(plan.framework)}
    versions = list(plan.versions.all())
    shown_items: list[Any] = items
    if not party:
        # The line and HR read what both agreed: the last agreed version, not a draft in progress.
        shown_items = versions[0].items if versions else []
    return {
        "plan": plan,
        "reason": reason,
        "party": party,
        "items": shown_items,
        "statement_texts": texts,
        "nodes": nodes,
        "versions": versions,
        "status_talks": list(plan.status_talks.all()),
        "confirmed_by_me": (plan.leader_confirmed_at if party == access.LEADER else plan.manager_confirmed_at)
        if party
        else None,
        "item_status_form": forms.ItemStatusForm(),
        "action_labels": dict(ActionKind.choices),
        "status_labels": dict(ItemStatus.choices),
        "status_talk_form": forms.StatusTalkForm(),
        "css": CSS,
        "crumbs": _crumbs((None, _("Development plan: %(name)s") % {"name": plan.leader_name})),
    }


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, reason = _owned(request, Plan, plan_id, related=("framework", "organisation", "talk", "lus"))
    if access.text_reason(request.user, plan) is None:
        return render(
            request,
            "development/plan_status.html",
            {"plan": plan, "css": CSS, "crumbs": _crumbs((None, _("Development plan")))},
        )
    records.view_record(actor=request.user, obj=plan, what="plan", reason=reason)
    return render(request, "development/plan.html", _plan_context(request, plan, reason))


@login_required
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, reason = _owned(request, Plan, plan_id, related=("framework", "organisation", "unit", "org_role_level"))
    if access.text_reason(request.user, plan) is None:
        raise PermissionDenied(_("You may not read this plan."))
    records.view_record(actor=request.user, obj=plan, what="plan_pdf", reason=reason)
    pdf = render_pdf("development/plan_pdf.html", _plan_context(request, plan, reason), request=request)
    return pdf_response(pdf, f"udviklingsplan-{slugify(plan.leader_name)}-v{plan.version}.pdf")


def _item_form(plan: Plan, data: Any = None, item: PlanItem | None = None) -> forms.ItemForm:
    statements = selectors.level_statements(plan.framework, plan.framework_role_level)
    nodes = selectors.plan_nodes(plan.framework)
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {
            "activity": item.activity_id,
            "target_kind": item.target_kind,
            "statement_keys": item.statement_keys,
            "node_key": item.node_key,
            "own_title": item.own_title,
            "goal": item.goal,
            "support": item.support,
            "due_on": item.due_on,
        }
        for index, action in enumerate(item.actions[: forms.ACTION_ROWS]):
            initial[f"action_kind_{index}"] = action.get("kind", "")
            initial[f"action_text_{index}"] = action.get("text", "")
    # The item's areas and competencies: as typed (a form sent back), else as saved.
    source = data if data is not None else None
    if source is not None:
        kind, keys, node_key = (
            source.get("target_kind", ""),
            source.getlist("statement_keys"),
            source.get("node_key", ""),
        )
    elif item is not None:
        kind, keys, node_key = item.target_kind, item.statement_keys, item.node_key
    else:
        kind, keys, node_key = "", [], ""
    linked = selectors.item_nodes(plan.framework, target_kind=kind, statement_keys=keys, node_key=node_key)
    return forms.ItemForm(
        data,
        initial=initial,
        activities=selectors.item_activities(plan, linked, item.activity_id if item is not None else None),
        statements=[(s.key, s.text) for s in statements],
        nodes=[(n.key, ("— " if n.depth else "") + n.label) for n in nodes],
    )


@login_required
def plan_item(request: HttpRequest, plan_id: int, item_id: int | None = None) -> HttpResponse:
    plan, reason = _owned(request, Plan, plan_id, related=("framework", "organisation", "leader", "manager"))
    if reason not in access.PARTIES:
        raise PermissionDenied(_("Only the leader and the own leader can do this."))
    item = get_object_or_404(PlanItem, pk=item_id, plan=plan) if item_id else None
    form = _item_form(plan, request.POST or None, item)
    if request.method == "POST" and form.is_valid():
        data = plan_services.ItemData(
            target_kind=form.cleaned_data["target_kind"],
            goal=form.cleaned_data["goal"],
            statement_keys=form.cleaned_data["statement_keys"],
            node_key=form.cleaned_data["node_key"],
            own_title=form.cleaned_data["own_title"],
            actions=form.actions(),
            support=form.cleaned_data["support"],
            due_on=form.cleaned_data["due_on"],
            activity_id=form.cleaned_data["activity"],
        )
        try:
            plan_services.plan_item_save(actor=request.user, plan=plan, data=data, item=item)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    target = "action_text_0" if field == "actions" else field
                    form.add_error(target if target in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The item is saved."))
            return redirect("development:plan", plan_id=plan.pk)
    # The statement checkboxes grouped under their competency (or area), as the framework reads.
    boxes = {box.data["value"]: box for box in form["statement_keys"]}
    grouped: dict[str, list[Any]] = {}
    for statement in selectors.level_statements(plan.framework, plan.framework_role_level):
        node = statement.node
        heading = node.parent.label if node.depth > 1 and node.parent is not None else node.label
        grouped.setdefault(heading, []).append(boxes[statement.key])
    return render(
        request,
        "development/plan_item.html",
        {
            "plan": plan,
            "item": item,
            "form": form,
            "grouped": list(grouped.items()),
            "css": CSS,
            "crumbs": _crumbs((reverse("development:plan", args=[plan.pk]), _("Development plan")), (None, _("Item"))),
        },
    )


@login_required
@require_POST
def plan_item_delete(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    plan, _reason = _owned(request, Plan, plan_id, related=("leader", "manager", "organisation"))
    item = get_object_or_404(PlanItem, pk=item_id, plan=plan)
    try:
        plan_services.plan_item_delete(actor=request.user, item=item)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The item is removed."))
    return redirect("development:plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_item_status(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    plan, _reason = _owned(request, Plan, plan_id)
    item = get_object_or_404(PlanItem, pk=item_id, plan=plan)
    form = forms.ItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose in progress, done, paused or agreed."))
        return redirect("development:plan", plan_id=plan.pk)
    try:
        plan_services.plan_item_status_set(actor=request.user, item=item, status=form.cleaned_data["status"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("The status is saved: %(status)s.") % {"status": ItemStatus(form.cleaned_data["status"]).label}
        )
    return redirect("development:plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_confirm(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, _reason = _owned(request, Plan, plan_id)
    try:
        plan = plan_services.plan_confirm(actor=request.user, plan=plan)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if plan.status == PlanStatus.AGREED:
            messages.success(
                request,
                _("The plan is agreed by both (version %(version)s). The status talks are scheduled.")
                % {"version": plan.version},
            )
        else:
            messages.success(request, _("You have confirmed the plan. Waiting for the other party."))
    return redirect("development:plan", plan_id=plan.pk)


@login_required
@require_POST
def status_talk(request: HttpRequest, plan_id: int, talk_id: int) -> HttpResponse:
    plan, _reason = _owned(request, Plan, plan_id)
    talk = get_object_or_404(StatusTalk, pk=talk_id, plan=plan)
    form = forms.StatusTalkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the status talk was held."))
        return redirect("development:plan", plan_id=plan.pk)
    try:
        plan_services.status_talk_record(
            actor=request.user, status_talk=talk, held_on=form.cleaned_data["held_on"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The status talk is recorded."))
    return redirect("development:plan", plan_id=plan.pk)


# --- the dialogue meeting with the employees ----------------------------------------------------


def _own_subject(request: HttpRequest, subject_id: int) -> Subject:
    subject = (
        Subject.objects.select_related("round", "round__framework", "round__organisation").filter(pk=subject_id).first()
    )
    if subject is None or subject.round.organisation != policy.organisation_of(request.user):
        raise Http404
    person = policy.person_of(request.user)
    if person is None or person.pk != subject.person_id or subject.round.status != RoundStatus.PUBLISHED:
        raise PermissionDenied(_("Only the leader holds the dialogue meeting about their own report."))
    return subject


@login_required
def dialogue_page(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _own_subject(request, subject_id)
    dialogue = TeamDialogue.objects.filter(subject=subject).first()
    fmt = request.GET.get("format") or (dialogue.format if dialogue else "short")
    fmt = fmt if fmt in ("short", "long") else "short"
    figures = report_input.report_input(subject)
    steps = guides.guide(
        fmt,
        framework_name=subject.round.framework.name,
        areas=[a.name for a in figures.team_areas],
        picture=subject.round.framework.picture,
    )
    plan = Plan.objects.filter(leader=subject.person).exclude(status=PlanStatus.CLOSED).order_by("-created_at").first()
    return render(
        request,
        "development/dialogue.html",
        {
            "subject": subject,
            "dialogue": dialogue,
            "points": list(dialogue.focus_points.select_related("plan_item")) if dialogue else [],
            "fmt": fmt,
            "steps": steps,
            "minutes": guides.total_minutes(steps),
            "figures": figures,
            "group_keys": [g.key for a in figures.team_areas[:1] for g in a.groups],
            "plan": plan,
            "plan_items": list(plan.items.all()) if plan else [],
            "form": forms.DialogueForm(initial={"fmt": fmt, "held_on": dialogue.held_on if dialogue else None}),
            "point_form": forms.FocusPointForm(),
            "css": CSS,
            "crumbs": _crumbs((None, _("Dialogue meeting with the employees"))),
        },
    )


@login_required
@require_POST
def dialogue_save(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _own_subject(request, subject_id)
    form = forms.DialogueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the format and give a valid date."))
        return redirect("development:dialogue", subject_id=subject.pk)
    try:
        dialogue_services.dialogue_save(
            actor=request.user, subject=subject, fmt=form.cleaned_data["fmt"], held_on=form.cleaned_data["held_on"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The dialogue meeting is saved."))
    return redirect("development:dialogue", subject_id=subject.pk)


@login_required
@require_POST
def focus_point_add(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _own_subject(request, subject_id)
    dialogue = TeamDialogue.objects.filter(subject=subject).first() or dialogue_services.dialogue_save(
        actor=request.user, subject=subject, fmt="short", held_on=None
    )
    try:
        dialogue_services.focus_point_add(actor=request.user, dialogue=dialogue, text=request.POST.get("text", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The focus point is added."))
    return redirect("development:dialogue", subject_id=subject.pk)


@login_required
@require_POST
def focus_point_change(request: HttpRequest, subject_id: int, point_id: int) -> HttpResponse:
    subject = _own_subject(request, subject_id)
    point = get_object_or_404(
        FocusPoint.objects.select_related("dialogue", "dialogue__subject__round"),
        pk=point_id,
        dialogue__subject=subject,
    )
    if "delete" in request.POST:
        dialogue_services.focus_point_delete(actor=request.user, point=point)
        messages.success(request, _("The focus point is removed."))
        return redirect("development:dialogue", subject_id=subject.pk)
    raw = request.POST.get("plan_item", "")
    item = PlanItem.objects.select_related("plan").filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        dialogue_services.focus_point_link(actor=request.user, point=point, item=item)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The focus point is linked to your plan.") if item else _("The link is removed."))
    return redirect("development:dialogue", subject_id=subject.pk)


__all__ = ["ConversationCard", "LusStatus", "TalkStatus"]
