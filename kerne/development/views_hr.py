"""HR's pages: the overview (counts only), the list of overdue talks, reminders, settings, LUS seasons and cards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kerne.accounts import policy
from kerne.core.audit import audit_record
from kerne.development import access, forms, selectors
from kerne.development.models import ConversationCard, LusSeason, ReportTalk
from kerne.development.models.talks import OPEN_TALK
from kerne.development.services import lus as lus_services
from kerne.development.services import reminders, talks
from kerne.development.services.settings import settings_set
from kerne.evaluations.models import Round, RoundStatus
from kerne.frameworks.selectors import visible_frameworks
from kerne.organisation.models import Unit

CSS = "development/development.css"


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("home"), _("Front page")), (reverse("development:index"), _("Development")), *items]


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@policy.org_admin_required
def overview(request: HttpRequest) -> HttpResponse:
    data = selectors.hr_overview(
        request.user,
        round_id=_int(request.GET.get("runde")),
        season_id=_int(request.GET.get("saeson")),
        unit_id=_int(request.GET.get("enhed")),
    )
    organisation = policy.organisation_of(request.user)
    upcoming = list(
        Round.objects.filter(organisation=organisation)
        .exclude(status=RoundStatus.PUBLISHED)
        .select_related("talk_settings")
        .order_by("-opens_on")[:10]
    )
    return render(
        request,
        "development/hr_overview.html",
        {
            "data": data,
            "upcoming": upcoming,
            "days_form": forms.TalkDaysForm(initial={"days": 14}),
            "css": CSS,
            "crumbs": _crumbs((None, _("HR overview"))),
        },
    )


@policy.org_admin_required
def overdue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.hr_overdue(request.user), 50).get_page(request.GET.get("side"))
    today = timezone.localdate()
    rows = [(talk, (today - talk.due_on).days) for talk in page]
    return render(
        request,
        "development/hr_overdue.html",
        {
            "page": page,
            "rows": rows,
            "css": CSS,
            "crumbs": _crumbs((reverse("development:hr"), _("HR overview")), (None, _("Overdue talks"))),
        },
    )


@policy.org_admin_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    """HR reminds both parties of every open talk in a unit (with all under it) that is due or overdue, now."""
    organisation = policy.organisation_of(request.user)
    round_ = get_object_or_404(Round, pk=_int(request.POST.get("runde")) or 0, organisation=organisation)
    scope = Q(organisation=organisation, round=round_, status__in=OPEN_TALK, due_on__lte=timezone.localdate())
    unit_id = _int(request.POST.get("unit"))
    if unit_id:
        unit = get_object_or_404(Unit, pk=unit_id, organisation=organisation)
        scope &= Q(unit__path__startswith=unit.path)
    meetings = reminders.load("talk", ReportTalk.objects.filter(scope).values_list("pk", flat=True))
    delivery = reminders.manual_reminders(meetings)
    audit_record(
        actor=request.user,
        action="development.reminders_sent",
        obj=round_,
        organisation=organisation,
        data={"talks": len(meetings), "sent": len(delivery.sent), "failed": len(delivery.failed)},
    )
    if meetings:
        messages.success(
            request,
            _("%(sent)s reminder(s) sent about %(talks)s talk(s).")
            % {"sent": len(delivery.sent), "talks": len(meetings)},
        )
    else:
        messages.success(request, _("No talk there is due or overdue: no reminder was sent."))
    for address, reason in delivery.failed:
        messages.error(request, f"{address}: {reason}")
    return redirect(f"{reverse('development:hr')}?runde={round_.pk}")


@policy.org_admin_required
@require_POST
def talk_days(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = get_object_or_404(Round, pk=round_id, organisation=policy.organisation_of(request.user))
    form = forms.TalkDaysForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose between 7 and 21 days."))
    else:
        try:
            talks.round_talk_days_set(actor=request.user, round_=round_, days=form.cleaned_data["days"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The report talks of “%(round)s” are due %(days)s days after the release.")
                % {"round": round_.name, "days": form.cleaned_data["days"]},
            )
    return redirect("development:hr")


@policy.org_admin_required
def settings_page(request: HttpRequest) -> HttpResponse:
    current = access.settings_for(policy.organisation_of(request.user))
    form = forms.SettingsForm(
        request.POST or None,
        initial={
            "hr_access": current.hr_access,
            "line_levels": current.line_levels,
            "months": ", ".join(str(m) for m in current.months),
            "needs_min_leaders": current.needs_min_leaders,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            settings_set(
                actor=request.user,
                hr_access=form.cleaned_data["hr_access"],
                line_levels=form.cleaned_data["line_levels"],
                months=form.cleaned_data["months"],
                needs_min_leaders=form.cleaned_data["needs_min_leaders"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("development:hr-settings")
    return render(
        request,
        "development/hr_settings.html",
        {
            "form": form,
            "css": CSS,
            "crumbs": _crumbs((reverse("development:hr"), _("HR overview")), (None, _("Settings"))),
        },
    )


def _framework_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (str(fw.pk), f"{fw.name} ({fw.publisher})")
        for fw in visible_frameworks(request.user).order_by("publisher", "name")
    ]


@policy.org_admin_required
def seasons(request: HttpRequest) -> HttpResponse:
    organisation = policy.organisation_of(request.user)
    choices = _framework_choices(request)
    form = forms.SeasonForm(request.POST or None, frameworks=choices)
    if request.method == "POST" and form.is_valid():
        framework = visible_frameworks(request.user).get(pk=int(form.cleaned_data["framework"]))
        try:
            season = lus_services.season_create(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                framework=framework,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("The season is created with conversation cards from the framework. Adjust them below.")
            )
            return redirect("development:hr-season", season_id=season.pk)
    items = LusSeason.objects.filter(organisation=organisation).select_related("framework").order_by("-starts_on")
    return render(
        request,
        "development/hr_seasons.html",
        {
            "seasons": items,
            "form": form,
            "css": CSS,
            "crumbs": _crumbs((reverse("development:hr"), _("HR overview")), (None, _("LUS seasons"))),
        },
    )


@policy.org_admin_required
def season_page(request: HttpRequest, season_id: int) -> HttpResponse:
    season = get_object_or_404(
        LusSeason.objects.select_related("framework"), pk=season_id, organisation=policy.organisation_of(request.user)
    )
    card_id = _int(request.POST.get("card")) if request.method == "POST" else None
    card = get_object_or_404(ConversationCard, pk=card_id, season=season) if card_id else None
    form = forms.CardForm(request.POST or None)
    if request.method == "POST":
        if card is not None and "delete" in request.POST:
            lus_services.card_delete(actor=request.user, card=card)
            messages.success(request, _("The card is removed."))
            return redirect("development:hr-season", season_id=season.pk)
        if form.is_valid():
            try:
                lus_services.card_save(
                    actor=request.user,
                    season=season,
                    card=card,
                    theme=form.cleaned_data["theme"],
                    questions=form.cleaned_data["questions"].splitlines(),
                    mandatory=form.cleaned_data["mandatory"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The card is saved."))
                return redirect("development:hr-season", season_id=season.pk)
    cards: list[tuple[ConversationCard, Any]] = [
        (
            c,
            forms.CardForm(
                initial={"theme": c.theme, "questions": "\n".join(c.questions), "mandatory": c.mandatory},
                auto_id=f"c{c.pk}_%s",
            ),
        )
        for c in season.cards.all()
    ]
    return render(
        request,
        "development/hr_season.html",
        {
            "season": season,
            "cards": cards,
            "form": form if card is None else forms.CardForm(),
            "edit_errors": form.errors if card is not None else None,
            "css": CSS,
            "crumbs": _crumbs(
                (reverse("development:hr"), _("HR overview")),
                (reverse("development:hr-seasons"), _("LUS seasons")),
                (None, season.name),
            ),
        },
    )


@policy.org_admin_required
def patterns(request: HttpRequest) -> HttpResponse:
    """What all current plans work on, in counts (Albertslund sums the talks up once a year for the chef forum)."""
    return render(
        request,
        "development/hr_patterns.html",
        {
            "patterns": selectors.plan_patterns(request.user),
            "minimum": selectors.PATTERN_MINIMUM,
            "css": CSS,
            "crumbs": _crumbs((reverse("development:hr"), _("HR overview")), (None, _("Patterns in the plans"))),
        },
    )
