"""The team's own translation: a unit's page, one statement's page (write, propose, accept, decline)
and HR's counts. Thin: the policy decides in the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kerne.accounts import policy
from kerne.frameworks import translation_selectors as selectors
from kerne.frameworks import translation_services as services
from kerne.frameworks.models import Framework, ProposalStatus, TranslationKind, TranslationProposal
from kerne.organisation.models import Unit

KINDS = {"udsagn": TranslationKind.STATEMENT, "omraade": TranslationKind.NODE}
SLUG_OF_KIND: dict[str, str] = {str(v): k for k, v in KINDS.items()}


def _crumbs(page: selectors.UnitPage, *items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [
        (reverse("frameworks:list"), _("Frameworks")),
        (reverse("frameworks:overview", args=[page.framework.slug]), page.framework.name),
        *items,
    ]


@login_required
def my_translation_view(request: HttpRequest, slug: str) -> HttpResponse:
    """From the browser: the viewer's own unit's translation of this framework."""
    unit = policy.own_unit(request.user)
    if unit is None:
        raise Http404(_("You are not placed in a unit."))
    return redirect("frameworks:translation", slug=slug, unit=unit.pk)


@login_required
def unit_translation_view(request: HttpRequest, slug: str, unit: int) -> HttpResponse:
    try:
        page = selectors.unit_page(request.user, slug, unit)
    except (Unit.DoesNotExist, Framework.DoesNotExist) as exc:
        raise Http404(_("No such unit or framework.")) from exc
    return render(
        request,
        "frameworks/translation_unit.html",
        {
            "page": page,
            "framework": page.framework,
            "detail": page.detail,
            "kind_slugs": SLUG_OF_KIND,
            "crumbs": _crumbs(page, (None, _("How we understand it in %(unit)s") % {"unit": page.unit.name})),
        },
    )


def _item_context(request: HttpRequest, item: selectors.ItemPage, **extra: Any) -> dict[str, Any]:
    page = item.page
    return {
        "item": item,
        "page": page,
        "framework": page.framework,
        "kind_slug": SLUG_OF_KIND[item.kind],
        "crumbs": _crumbs(
            page,
            (
                reverse("frameworks:translation", args=[page.framework.slug, page.unit.pk]),
                _("How we understand it in %(unit)s") % {"unit": page.unit.name},
            ),
            (None, item.heading),
        ),
        "errors": {},
        "typed": {},
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def translation_item_view(request: HttpRequest, slug: str, unit: int, kind: str, key: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    try:
        item = selectors.item_page(request.user, slug, unit, KINDS[kind], key)
    except (Unit.DoesNotExist, Framework.DoesNotExist, LookupError) as exc:
        raise Http404(_("No such unit, framework, statement or area.")) from exc
    if request.method == "GET":
        return render(request, "frameworks/translation_item.html", _item_context(request, item))
    page = item.page
    action = request.POST.get("action", "")
    text = request.POST.get("text", "")
    typed = {"text": text, "reason": request.POST.get("reason", "")}
    proposal: TranslationProposal | None = None
    if request.POST.get("proposal"):
        proposal = next((p for p in item.proposals if str(p.pk) == request.POST.get("proposal")), None)
        if proposal is None:
            raise Http404(_("No such proposal."))
        typed["proposal"] = str(proposal.pk)
    try:
        if action == "propose":
            services.translation_propose(
                actor=request.user, unit=page.unit, framework=page.framework, kind=item.kind, key=key, text=text
            )
            messages.success(request, _("Your proposal is saved. The unit's leader decides on it."))
        elif action == "accept":
            services.translation_accept(
                actor=request.user,
                unit=page.unit,
                framework=page.framework,
                kind=item.kind,
                key=key,
                text=text,
                proposal=proposal,
            )
            messages.success(request, _("The unit's text is accepted and shown beside the statement."))
        elif action == "decline" and proposal is not None:
            services.translation_decline(actor=request.user, proposal=proposal, reason=typed["reason"])
            messages.success(request, _("The proposal is declined; the proposer sees your reason."))
        else:
            return HttpResponse(_("Unknown action."), status=400)
    except services.TranslationInvalid as exc:
        errors = {p.field: p.message for p in exc.problems}
        context = _item_context(request, item, errors=errors, typed=typed, failed_action=action)
        return render(request, "frameworks/translation_item.html", context, status=422)
    return redirect(request.path)


@policy.org_admin_required
def coverage_view(request: HttpRequest) -> HttpResponse:
    rows = selectors.translation_coverage(request.user)
    return render(
        request,
        "frameworks/translation_coverage.html",
        {
            "rows": rows,
            "statuses": ProposalStatus,
            "crumbs": [(reverse("frameworks:list"), _("Frameworks")), (None, _("The units' own translations"))],
        },
    )
