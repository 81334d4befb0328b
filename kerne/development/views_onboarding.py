"""Pages of the onboarding of new leaders: the programme (new leader, own leader, mentor, HR) and HR's
overview, start, mentor choice and templates. Thin: look up, ask access, call a selector or service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kerne.accounts import policy
from kerne.development import access
from kerne.development import selectors_onboarding as selectors
from kerne.development.models import (
    Onboarding,
    OnboardingStatus,
    OnboardingStep,
    OnboardingTemplate,
    OnboardingTemplateStep,
    Responsible,
    StepKind,
)
from kerne.development.services import onboarding as services
from kerne.frameworks.models import Statement
from kerne.organisation.models import Person, Position

CSS = "development/development.css"


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("home"), _("Front page")), (reverse("development:index"), _("Development")), *items]


def _hr_crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return _crumbs((reverse("development:hr-onboarding"), _("New leaders")), *items)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _onboarding(request: HttpRequest, pk: int) -> tuple[Onboarding, str]:
    onboarding = (
        Onboarding.objects.select_related("organisation", "unit", "org_role_level", "framework", "lus")
        .filter(pk=pk)
        .first()
    )
    organisation = policy.organisation_of(request.user)
    if onboarding is None or organisation is None or onboarding.organisation_id != organisation.pk:
        raise Http404
    relation = access.onboarding_relation(request.user, onboarding)
    if relation is None:
        raise PermissionDenied(_("You may not see this."))
    return onboarding, relation


def _hr_only(request: HttpRequest) -> Any:
    if not policy.is_org_admin(request.user):
        raise PermissionDenied(_("Only HR administrators of the organisation may do this."))
    return policy.organisation_of(request.user)


# --- the programme ----------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "development/onboarding_index.html",
        {
            "programmes": selectors.my_onboardings(request.user),
            "is_admin": policy.is_org_admin(request.user),
            "css": CSS,
            "crumbs": _crumbs((None, _("Onboarding"))),
        },
    )


@login_required
def programme_page(request: HttpRequest, onboarding_id: int) -> HttpResponse:
    onboarding, relation = _onboarding(request, onboarding_id)
    data = selectors.programme(request.user, onboarding, relation)
    keys = {k for row in data.steps for k in row.step.statement_keys}
    texts = (
        dict(Statement.objects.filter(framework=onboarding.framework, key__in=keys).values_list("key", "text"))
        if keys and onboarding.framework_id
        else {}
    )
    return render(
        request,
        "development/onboarding_programme.html",
        {
            "data": data,
            "onboarding": onboarding,
            "relation": relation,
            "texts": texts,
            "css": CSS,
            "crumbs": _crumbs(
                (reverse("development:onboarding-index"), _("Onboarding")),
                (None, onboarding.leader_name),
            ),
        },
    )


@login_required
@require_POST
def step_tick(request: HttpRequest, onboarding_id: int, step_id: int) -> HttpResponse:
    onboarding, _relation = _onboarding(request, onboarding_id)
    step = OnboardingStep.objects.filter(pk=step_id, onboarding=onboarding).select_related("onboarding").first()
    if step is None:
        raise Http404
    try:
        if request.POST.get("undo"):
            services.onboarding_step_undone(actor=request.user, step=step)
            messages.success(request, _("“%(title)s” is open again.") % {"title": step.title})
        else:
            services.onboarding_step_done(actor=request.user, step=step, note=request.POST.get("note", ""))
            messages.success(request, _("“%(title)s” is ticked off.") % {"title": step.title})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(reverse("development:onboarding", args=[onboarding.pk]) + f"#step-{step.pk}")


# --- HR --------------------------------------------------------------------------------------


@login_required
def hr_overview(request: HttpRequest) -> HttpResponse:
    _hr_only(request)
    status = request.GET.get("status", "active")
    data = selectors.hr_onboarding_overview(request.user, unit_id=request.GET.get("enhed"), status=status)
    return render(
        request,
        "development/onboarding_hr.html",
        {
            "data": data,
            "statuses": [("active", _("In progress")), ("completed", _("Completed")), ("all", _("All"))],
            "css": CSS,
            "crumbs": _crumbs((None, _("New leaders"))),
        },
    )


def _leaders_without(organisation: Any) -> list[Position]:
    busy = Onboarding.objects.filter(organisation=organisation, status=OnboardingStatus.ACTIVE).values("leader_id")
    return list(
        Position.objects.filter(
            organisation=organisation, valid_to__isnull=True, role_level__is_leader=True, person__active=True
        )
        .exclude(person_id__in=busy)
        .select_related("person", "unit", "role_level")
        .order_by("person__name")[:5000]
    )


@login_required
def hr_start(request: HttpRequest) -> HttpResponse:
    organisation = _hr_only(request)
    typed = {"person": request.POST.get("person", ""), "starts_on": request.POST.get("starts_on", "")}
    if request.method == "POST":
        problems = []
        person = None
        if typed["person"].isdigit():
            person = Person.objects.filter(organisation=organisation, pk=int(typed["person"])).first()
        if person is None:
            problems.append(_("Leader: choose the new leader in the list."))
        starts_on = None
        if typed["starts_on"]:
            try:
                starts_on = dt.date.fromisoformat(typed["starts_on"])
            except ValueError:
                problems.append(_("First day: write the date as dd-mm-åååå, or choose it in the calendar."))
        if not problems and person is not None:
            try:
                onboarding = services.onboarding_start(actor=request.user, leader=person, starts_on=starts_on)
            except ValidationError as exc:
                problems += exc.messages
            else:
                messages.success(
                    request, _("The onboarding of %(name)s has started.") % {"name": onboarding.leader_name}
                )
                return redirect("development:hr-onboarding-mentor", onboarding.pk)
        for problem in problems:
            messages.error(request, problem)
    return render(
        request,
        "development/onboarding_start.html",
        {
            "leaders": _leaders_without(organisation),
            "typed": typed,
            "css": CSS,
            "crumbs": _hr_crumbs((None, _("Start an onboarding"))),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def hr_mentor(request: HttpRequest, onboarding_id: int) -> HttpResponse:
    _hr_only(request)
    onboarding, _relation = _onboarding(request, onboarding_id)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("confirm"):
                services.onboarding_mentor_confirm(actor=request.user, onboarding=onboarding)
            else:
                services.onboarding_mentor_choose(
                    actor=request.user, onboarding=onboarding, mentor_id=request.POST.get("mentor")
                )
        except ValidationError as exc:
            _errors(request, exc)
            status = 400
        else:
            messages.success(request, _("%(name)s is the mentor.") % {"name": onboarding.mentor_name})
            return redirect("development:hr-onboarding-mentor", onboarding.pk)
    return render(
        request,
        "development/onboarding_mentor.html",
        {
            "onboarding": onboarding,
            "candidates": services.mentor_candidates(onboarding),
            "css": CSS,
            "crumbs": _hr_crumbs((None, _("Mentor for %(name)s") % {"name": onboarding.leader_name})),
        },
        status=status,
    )


@login_required
@require_POST
def hr_cancel(request: HttpRequest, onboarding_id: int) -> HttpResponse:
    _hr_only(request)
    onboarding, _relation = _onboarding(request, onboarding_id)
    try:
        services.onboarding_cancel(actor=request.user, onboarding=onboarding)
        messages.success(request, _("The onboarding of %(name)s is stopped.") % {"name": onboarding.leader_name})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("development:hr-onboarding")


@login_required
def hr_templates(request: HttpRequest) -> HttpResponse:
    organisation = _hr_only(request)
    if request.method == "POST":
        created = services.onboarding_templates_seed(actor=request.user, organisation=organisation)
        messages.success(request, _("%(count)s templates seeded from the framework.") % {"count": len(created)})
        return redirect("development:hr-onboarding-templates")
    return render(
        request,
        "development/onboarding_templates.html",
        {
            "templates": selectors.hr_templates(request.user),
            "framework": services.organisation_framework(organisation),
            "css": CSS,
            "crumbs": _hr_crumbs((None, _("Templates"))),
        },
    )


def _template(request: HttpRequest, template_id: int) -> OnboardingTemplate:
    organisation = _hr_only(request)
    template = (
        OnboardingTemplate.objects.select_related("role_level", "organisation", "framework")
        .filter(pk=template_id, organisation=organisation)
        .first()
    )
    if template is None:
        raise Http404
    return template


@login_required
def hr_template(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _template(request, template_id)
    typed: dict[str, str] = {}
    editing = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        step = None
        if request.POST.get("step", "").isdigit():
            step = OnboardingTemplateStep.objects.filter(pk=int(request.POST["step"]), template=template).first()
            if step is None:
                raise Http404
        try:
            if action == "delete" and step is not None:
                services.template_step_delete(actor=request.user, step=step)
                messages.success(request, _("The step “%(title)s” is removed.") % {"title": step.title})
            elif action in ("up", "down") and step is not None:
                services.template_step_move(actor=request.user, step=step, up=action == "up")
            else:
                typed = {k: request.POST.get(k, "") for k in ("day", "responsible", "kind", "title", "text")}
                saved = services.template_step_save(actor=request.user, template=template, step=step, **typed)
                messages.success(request, _("The step “%(title)s” is saved.") % {"title": saved.title})
        except ValidationError as exc:
            _errors(request, exc)
            editing = step.pk if step is not None else None
            status = 400
        else:
            return redirect("development:hr-onboarding-template", template.pk)
    return render(
        request,
        "development/onboarding_template.html",
        {
            "template": template,
            "steps": list(template.steps.order_by("position", "pk")),
            "typed": typed,
            "editing": editing,
            "responsibles": Responsible.choices,
            "kinds": StepKind.choices,
            "css": CSS,
            "crumbs": _hr_crumbs(
                (reverse("development:hr-onboarding-templates"), _("Templates")), (None, template.role_level.name)
            ),
        },
        status=status,
    )
