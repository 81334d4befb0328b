"""The evaluation pages for HR and leaders: rounds, leaders, raters, preview, opening, response
rates, reminders and closing. (The rater's own form behind the link is views_answer.)

Thin: each view finds what the viewer may see through kerne.evaluations.selectors (404 for
anything outside it), changes things only through services, and renders. Services check the
actor's right again and raise PermissionDenied (→ the Danish 403 page) or a Danish
ValidationError, which is shown and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kerne.accounts import policy
from kerne.evaluations import rates, selectors, services
from kerne.evaluations.forms import AddByEmailForm, AddColleagueForm, RemoveForm, ResendForm, RoundForm
from kerne.evaluations.models import GroupKey, Invitation, RaterChange, Round, RoundStatus, Subject
from kerne.organisation.models import Organisation

# Status 286 tells htmx to stop polling (the round is no longer open).


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("home"), _("Front page")), (reverse("evaluations:index"), _("Evaluation")), *items]


def _round_crumbs(round_: Round, *items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    if not items:
        return _crumbs((reverse("evaluations:rounds"), _("Rounds")), (None, round_.name))
    return _crumbs(
        (reverse("evaluations:rounds"), _("Rounds")),
        (reverse("evaluations:round", args=[round_.pk]), round_.name),
        *items,
    )


def _round(request: HttpRequest, pk: int) -> Round:
    try:
        return selectors.round_for(request.user, pk)
    except Round.DoesNotExist as exc:
        raise Http404(_("No such round.")) from exc


def _organisation(request: HttpRequest) -> Organisation:
    organisation = policy.organisation_of(request.user)
    if organisation is None:  # org_admin_required guarantees one; this keeps the type honest
        raise PermissionDenied
    return organisation


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Redirect to the `next` the form names when it is a page of this site, else to `default`."""
    target = str(request.POST.get("next") or "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = default
    return redirect(target)


def _run(request: HttpRequest, action: Callable[[], Any], success: Callable[[Any], str]) -> bool:
    """Call a service; show its Danish refusal as an error message. True when it went through."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return False
    messages.success(request, success(result))
    return True


# --- the start page ------------------------------------------------------------------------------


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    """Evaluation: the viewer's own evaluations, changes waiting for them, and HR's way in."""
    return render(
        request,
        "evaluations/index.html",
        {
            "evaluations": selectors.my_evaluations(request.user),
            "approvals": len(selectors.approvals_for(request.user)),
            "is_admin": policy.is_org_admin(request.user),
            "crumbs": [(reverse("home"), _("Front page")), (None, _("Evaluation"))],
        },
    )


# --- HR: rounds -----------------------------------------------------------------------------------


@policy.org_admin_required
def round_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluations/round_list.html",
        {"rows": selectors.rounds_for(request.user), "crumbs": _crumbs((None, _("Rounds")))},
    )


@policy.org_admin_required
@require_http_methods(["GET", "POST"])
def round_new_view(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = RoundForm(request.POST or None, viewer=request.user, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        settings = form.round_settings()
        assert settings is not None  # a valid form has every field
        try:
            round_ = services.round_create(organisation=organisation, settings=settings, actor=policy.actor_of(request))
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(
                request, _("The round “%(name)s” is created. Next: choose its leaders.") % {"name": round_.name}
            )
            return redirect("evaluations:subjects", pk=round_.pk)
    context = {
        "form": form,
        "crumbs": _crumbs((reverse("evaluations:rounds"), _("Rounds")), (None, _("New round"))),
    }
    return render(request, "evaluations/round_new.html", context, status=400 if form.errors else 200)


@policy.org_admin_required
@require_GET
def round_new_areas_view(request: HttpRequest) -> HttpResponse:
    """htmx: the chosen framework's areas for the comment fields and the own statements."""
    organisation = _organisation(request)
    form = RoundForm(
        viewer=request.user, organisation=organisation, initial={"framework": request.GET.get("framework")}
    )
    return render(request, "evaluations/_round_areas.html", {"form": form, "oob": True})


def _mapping(round_: Round) -> dict[str, Any] | None:
    """The role level step: None when the framework has no role levels (nothing to map)."""
    problems = services.mapping_problems(round_)
    return None if problems is None else {"problems": problems}


def _mapping_list(mapping: dict[str, Any] | None) -> list[str]:
    return list(mapping["problems"]) if mapping else []


@policy.org_admin_required
def round_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The round: set-up and steps while prepared, response rates while open, the summary once closed."""
    round_ = _round(request, pk)
    context: dict[str, Any] = {
        "round": round_,
        "setup": selectors.round_setup(request.user, round_),
        "crumbs": _round_crumbs(round_),
    }
    if round_.status == RoundStatus.DRAFT:
        context["progress"] = selectors.round_progress(request.user, round_)
        context["mapping"] = _mapping(round_)
        context["problems"] = services.opening_problems(round_, mapping=_mapping_list(context["mapping"]))
    else:
        context["rates"] = rates.response_rates(request.user, round_, request.GET.get("side"))
    if round_.status in (RoundStatus.CLOSED, RoundStatus.PUBLISHED):
        context["reports"] = selectors.reports_state(round_)
    if round_.status == RoundStatus.OPEN:
        context["undeliverable"] = selectors.undeliverable(request.user, round_)
        context["counted_at"] = rates.counted_at(request.user, round_)
        context["reminders_failing"] = selectors.reminders_failing(request.user, round_)
    return render(request, "evaluations/round.html", context)


# --- (a) leaders ----------------------------------------------------------------------------------


@policy.org_admin_required
def round_subjects_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    return render(
        request,
        "evaluations/round_subjects.html",
        {
            "round": round_,
            "table": selectors.subjects_table(request.user, round_, request.GET.get("side")),
            "crumbs": _round_crumbs(round_, (None, _("Leaders"))),
        },
    )


@policy.org_admin_required
@require_POST
def subjects_select_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)

    def said(plan: services.SubjectPlan) -> str:
        text = _("%(added)s leaders found; %(recent)s of them left out as recently appointed.") % {
            "added": plan.added,
            "recent": plan.excluded_recent,
        }
        if plan.without_mapping:
            text += " " + _(
                "%(count)s have a role level without a level in the framework and get only the shared statements."
            ) % {"count": plan.without_mapping}
        return text

    _run(request, lambda: services.subjects_select(round_=round_, actor=policy.actor_of(request)), said)
    return redirect("evaluations:subjects", pk=round_.pk)


@policy.org_admin_required
@require_POST
def subject_include_view(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    round_ = _round(request, pk)
    subject = round_.subjects.filter(pk=sid).select_related("round", "round__organisation").first()
    if subject is None:
        raise Http404(_("No such leader in the round."))
    included = request.POST.get("included") == "1"
    _run(
        request,
        lambda: services.subject_set_included(subject=subject, included=included, actor=policy.actor_of(request)),
        lambda s: (_("%(name)s is included.") if included else _("%(name)s is left out.")) % {"name": s.name},
    )
    page = request.POST.get("side", "")
    url = reverse("evaluations:subjects", args=[round_.pk])
    return redirect(f"{url}?side={page}#subject-{subject.pk}" if page.isdigit() else f"{url}#subject-{subject.pk}")


# --- (b) raters -------------------------------------------------------------------------------------


@policy.org_admin_required
def round_raters_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    return render(
        request,
        "evaluations/round_raters.html",
        {
            "round": round_,
            "table": selectors.raters_table(request.user, round_, request.GET.get("side")),
            "missing": selectors.raters_without_email(request.user, round_),
            "approvals": selectors.approvals_for(request.user, round_),
            "crumbs": _round_crumbs(round_, (None, _("Raters"))),
        },
    )


@policy.org_admin_required
@require_POST
def raters_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)

    def said(plan: services.RaterPlan) -> str:
        text = _("%(count)s raters proposed from the org chart.") % {"count": plan.invitations}
        if plan.without_email:
            text += " " + _("%(count)s people have no e-mail address; see the list below.") % {
                "count": len(plan.without_email)
            }
        return text

    _run(request, lambda: services.raters_propose(round_=round_, actor=policy.actor_of(request)), said)
    return redirect("evaluations:raters", pk=round_.pk)


# --- (c) preview and (d) opening ---------------------------------------------------------------------


def _invitation_counts(request: HttpRequest, round_: Round) -> dict[str, Any]:
    by_group = selectors.invitations_by_group(request.user, round_)
    return {"by_group": by_group, "invitation_total": sum(count for _group, count in by_group)}


@policy.org_admin_required
def round_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    subjects = list(round_.subjects.filter(included=True).order_by("name", "pk"))
    groups = [g for g in round_.groups.all() if g.enabled]
    subject = next((s for s in subjects if str(s.pk) == request.GET.get("leder")), subjects[0] if subjects else None)
    group = next((g for g in groups if g.key == request.GET.get("gruppe")), groups[0] if groups else None)
    subject_preview = selectors.preview(request.user, round_, subject, group) if subject and group else None
    return render(
        request,
        "evaluations/round_preview.html",
        {
            "round": round_,
            "subjects": subjects,
            "groups": groups,
            "subject": subject,
            "group": group,
            "preview": subject_preview,
            "scale": list(enumerate(round_.scale_labels, start=1)),
            "warnings": selectors.rater_warnings(round_) if round_.status == RoundStatus.DRAFT else None,
            **_invitation_counts(request, round_),
            "crumbs": _round_crumbs(round_, (None, _("Preview"))),
        },
    )


@policy.org_admin_required
@require_http_methods(["GET", "POST"])
def round_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if request.method == "POST":
        opened = _run(
            request,
            lambda: services.round_open(round_=round_, actor=policy.actor_of(request)),
            lambda count: _("The round is open. %(count)s invitations are on their way.") % {"count": count},
        )
        return redirect("evaluations:round" if opened else "evaluations:open", pk=round_.pk)
    mapping = _mapping(round_)
    return render(
        request,
        "evaluations/round_open.html",
        {
            "round": round_,
            "problems": services.opening_problems(round_, mapping=_mapping_list(mapping)),
            "mapping": mapping,
            "warnings": selectors.rater_warnings(round_) if round_.status == RoundStatus.DRAFT else None,
            **_invitation_counts(request, round_),
            "crumbs": _round_crumbs(round_, (None, _("Open the round"))),
        },
    )


@policy.org_admin_required
@require_POST
def group_minimum_lower_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The remedy on the warnings: lower one group's minimum to the legal one, then back to the page."""
    round_ = _round(request, pk)
    _run(
        request,
        lambda: services.group_minimum_lower(
            round_=round_, group_key=str(request.POST.get("group", "")), actor=request.user
        ),
        lambda group: (
            _("The minimum for %(group)s is now %(min)s.")
            % {"group": group.get_key_display().lower(), "min": group.min_responses}
        ),
    )
    return _back(request, reverse("evaluations:open", args=[round_.pk]))


# --- the open round -----------------------------------------------------------------------------------


@policy.org_admin_required
@require_POST
def reminders_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    _run(
        request,
        lambda: services.reminders_send_now(round_=round_, actor=policy.actor_of(request)),
        # The same words whatever the number: how many have not answered is not shown (docs/privacy.md).
        lambda count: _("Reminders go to everyone who has not answered and has not been reminded today."),
    )
    return redirect("evaluations:round", pk=round_.pk)


@policy.org_admin_required
@require_POST
def resend_view(request: HttpRequest, pk: int, iid: int) -> HttpResponse:
    round_ = _round(request, pk)
    try:
        invitation = selectors.invitation_for(request.user, round_, iid)
    except Invitation.DoesNotExist as exc:
        raise Http404(_("No such invitation in the round.")) from exc
    form = ResendForm(request.POST)
    email = str(form.cleaned_data.get("email") or "") if form.is_valid() else ""
    _run(
        request,
        lambda: services.invitation_resend(invitation=invitation, email=email, actor=policy.actor_of(request)),
        lambda sent: (
            _("The invitation to %(name)s is sent again to %(email)s.") % {"name": sent.name, "email": sent.email}
        ),
    )
    return redirect(reverse("evaluations:round", args=[round_.pk]) + "#undeliverable")


@policy.org_admin_required
@require_POST
def resend_failed_view(request: HttpRequest, pk: int) -> HttpResponse:
    """HR sends every undeliverable invitation of the round again at once."""
    round_ = _round(request, pk)
    _run(
        request,
        lambda: services.invitations_resend_failed(round_=round_, actor=policy.actor_of(request)),
        lambda count: (
            ngettext(
                "%(count)s invitation is queued to be sent again.",
                "%(count)s invitations are queued to be sent again.",
                count,
            )
            % {"count": count}
        ),
    )
    return redirect(reverse("evaluations:round", args=[round_.pk]) + "#undeliverable")


@policy.org_admin_required
@require_http_methods(["GET", "POST"])
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            messages.error(request, _("Tick the box to confirm that the round is to be closed."))
            return redirect("evaluations:close", pk=round_.pk)
        closed = _run(
            request,
            lambda: services.round_close_now(round_=round_, actor=policy.actor_of(request)),
            lambda _summary: _("The round is closed and the results are saved."),
        )
        return redirect("evaluations:round" if closed else "evaluations:close", pk=round_.pk)
    if round_.status != RoundStatus.OPEN:
        messages.error(request, _("Only an open round can be closed."))
        return redirect("evaluations:round", pk=round_.pk)
    return render(
        request,
        "evaluations/round_close.html",
        {
            "round": round_,
            "rates": rates.response_rates(request.user, round_),
            "crumbs": _round_crumbs(round_, (None, _("Close the round"))),
        },
    )


# --- one leader's raters ---------------------------------------------------------------------------------


def _subject(request: HttpRequest, pk: int) -> selectors.SubjectAccess:
    try:
        return selectors.subject_for(request.user, pk)
    except Subject.DoesNotExist as exc:
        raise Http404(_("No such evaluation.")) from exc


def _subject_title(access: selectors.SubjectAccess) -> str:
    if access.role == "self":
        return _("My raters")
    return _("Raters of %(name)s") % {"name": access.subject.name}


def _subject_crumbs(access: selectors.SubjectAccess, *items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    """HR comes from the round's raters page; the leader and the own leader from Evaluation."""
    title = _subject_title(access)
    here: tuple[str | None, str] = (reverse("evaluations:subject", args=[access.subject.pk]) if items else None, title)
    if access.role == "hr":
        round_ = access.subject.round
        return _round_crumbs(round_, (reverse("evaluations:raters", args=[round_.pk]), _("Raters")), here, *items)
    return _crumbs(here, *items)


def _change(access: selectors.SubjectAccess, actor: Any, **kwargs: Any) -> RaterChange:
    """A leader asks; HR changes at once."""
    if access.role == "hr":
        return services.rater_change_direct(subject=access.subject, actor=actor, **kwargs)
    return services.rater_change_request(subject=access.subject, actor=actor, **kwargs)


def _changed_text(change: RaterChange) -> str:
    if change.state == RaterChange.State.APPROVED:
        if change.kind == RaterChange.Kind.ADD:
            return _("%(name)s is added as rater.") % {"name": change.name}
        return _("%(name)s is removed as rater.") % {"name": change.name}
    if change.kind == RaterChange.Kind.ADD:
        return _("Your request to add %(name)s is waiting for approval.") % {"name": change.name}
    return _("Your request to remove %(name)s is waiting for approval.") % {"name": change.name}


@login_required
@require_http_methods(["GET", "POST"])
def subject_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader's raters (draft: add and remove), or the response rate of the evaluation (open, closed)."""
    access = _subject(request, pk)
    subject = access.subject
    round_ = subject.round
    context: dict[str, Any] = {
        "access": access,
        "subject": subject,
        "round": round_,
        "title": _subject_title(access),
        "crumbs": _subject_crumbs(access),
    }
    if round_.status != RoundStatus.DRAFT:
        context["rates"] = rates.subject_rates(request.user, subject)
        if round_.status == RoundStatus.OPEN:
            context["counted_at"] = rates.counted_at(request.user, round_)
        # The viewer's own questionnaires (the self-evaluation, or the own leader's view of this leader).
        context["questionnaires"] = [
            q for q in selectors.my_questionnaires(request.user) if q.invitation.subject_id == subject.pk
        ]
        return render(request, "evaluations/subject.html", context)
    raters = selectors.subject_raters(request.user, subject)
    context["raters"] = raters
    status = 200
    may_change = access.role in ("self", "hr")
    if may_change:
        query = str(request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
        people = selectors.colleagues(request.user, subject, query)
        post = request.POST if request.method == "POST" else None
        action = request.POST.get("action") if post else None
        colleague_form = AddColleagueForm(
            post if action == "colleague" else None, people=people, groups=raters.addable_groups
        )
        outside_form = AddByEmailForm(post if action == "outside" else None, groups=raters.addable_groups)
        form = colleague_form if action == "colleague" else outside_form if action == "outside" else None
        if form is not None:
            if form.is_valid():
                data = form.cleaned_data
                chosen = {p.pk: p for p in people}
                extra = (
                    {"person": chosen[data["person"]]}
                    if action == "colleague"
                    else {"name": data["name"], "email": data["email"]}
                )
                try:
                    change = _change(
                        access, request.user, kind="add", group_key=data["group"], reason=data["reason"], **extra
                    )
                except ValidationError as error:
                    form.add_error(None, _error_text(error))
                else:
                    messages.success(request, _changed_text(change))
                    return redirect("evaluations:subject", pk=subject.pk)
            status = 400
        context.update(
            {"query": query, "people": people, "colleague_form": colleague_form, "outside_form": outside_form}
        )
    elif request.method == "POST":
        raise Http404(_("Only the leader and HR can change the raters here."))
    context["may_change"] = may_change
    return render(request, "evaluations/subject.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rater_remove_view(request: HttpRequest, pk: int, iid: int) -> HttpResponse:
    access = _subject(request, pk)
    if access.role not in ("self", "hr"):
        raise Http404(_("Only the leader and HR can change the raters here."))
    invitation = (
        Invitation.objects.filter(pk=iid, subject=access.subject).select_related("group").first()
    )  # one of this leader's raters only
    if invitation is None or invitation.group.key in (GroupKey.SELF, GroupKey.MANAGER):
        raise Http404(_("No such rater."))
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = _change(
                access, request.user, kind="remove", invitation=invitation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _changed_text(change))
            return redirect("evaluations:subject", pk=access.subject.pk)
    return render(
        request,
        "evaluations/rater_remove.html",
        {
            "access": access,
            "subject": access.subject,
            "invitation": invitation,
            "form": form,
            "crumbs": _subject_crumbs(access, (None, _("Remove a rater"))),
        },
        status=400 if form.errors else 200,
    )


# --- approvals -------------------------------------------------------------------------------------------


@login_required
def approvals_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluations/approvals.html",
        {"changes": selectors.approvals_for(request.user), "crumbs": _crumbs((None, _("Approve changes")))},
    )


@login_required
@require_POST
def approval_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        change = selectors.approval_for(request.user, pk)
    except RaterChange.DoesNotExist as exc:
        raise Http404(_("No such change.")) from exc
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
    else:
        approve = decision == "approve"

        def said(decided: RaterChange) -> str:
            labels = {
                (True, "add"): _("Approved: %(name)s is added as rater for %(leader)s."),
                (True, "remove"): _("Approved: %(name)s is removed as rater for %(leader)s."),
                (False, "add"): _("Rejected: %(name)s is not added as rater for %(leader)s."),
                (False, "remove"): _("Rejected: %(name)s stays a rater for %(leader)s."),
            }
            return labels[(approve, decided.kind)] % {"name": decided.name, "leader": decided.subject.name}

        _run(
            request,
            lambda: services.rater_change_decide(change=change, approve=approve, actor=policy.actor_of(request)),
            said,
        )
    return _back(request, reverse("evaluations:approvals"))
