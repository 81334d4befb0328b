"""Private self-reflection pages under /udvikling/refleksion/: only the login's own entries.

Someone else's entry answers 404, exactly as one that does not exist, whoever asks (HR, the leader,
a direktør). Pages are never cached, so a shared browser does not keep them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kerne.core.formats import short_datetime
from kerne.core.pdf import pdf_response, render_pdf
from kerne.development.services import reflection as reflections


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("me"), _("My page")), *items]


@never_cache
@login_required
def index(request: HttpRequest) -> HttpResponse:
    entries = reflections.my_reflections(request.user)
    frameworks = reflections.frameworks_for(request.user)
    return render(
        request,
        "development/reflection_index.html",
        {"entries": entries, "frameworks": frameworks, "crumbs": _crumbs((None, _("My own reflection")))},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    frameworks = reflections.frameworks_for(request.user)
    if not frameworks:
        raise Http404(_("No framework has statements for everyone."))
    slug = request.POST.get("ramme") or request.GET.get("ramme") or frameworks[0].framework.slug
    chosen = next((fw for fw in frameworks if fw.framework.slug == slug), None)
    if chosen is None:
        raise Http404(_("No such framework."))
    context: dict[str, Any] = {
        "frameworks": frameworks,
        "chosen": chosen,
        "scale": reflections.SCALE,
        "typed": {},
        "errors": {},
        "note": "",
        "crumbs": _crumbs((reverse("development:reflection"), _("My own reflection")), (None, _("New reflection"))),
    }
    if request.method == "POST":
        answers, errors = reflections.parse_answers(chosen, request.POST)
        note = request.POST.get("note", "")
        if not errors:
            try:
                entry = reflections.reflection_save(actor=request.user, framework=chosen, answers=answers, note=note)
            except reflections.ReflectionInvalid as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Your reflection is saved. Only you can see it."))
                return redirect("development:reflection-entry", reflection_id=entry.pk)
        typed = {st.key: str(request.POST.get(f"s-{st.key}", "")) for st in chosen.statements}
        context.update(typed=typed, errors=errors, note=note)
        return render(request, "development/reflection_form.html", context, status=422)
    return render(request, "development/reflection_form.html", context)


def _entry_or_404(request: HttpRequest, reflection_id: int) -> reflections.Entry:
    try:
        return reflections.my_entry(request.user, reflection_id)
    except reflections.ReflectionNotFound as exc:
        raise Http404(_("No such reflection.")) from exc


@never_cache
@login_required
def entry(request: HttpRequest, reflection_id: int) -> HttpResponse:
    found = _entry_or_404(request, reflection_id)
    return render(
        request,
        "development/reflection_entry.html",
        {
            "entry": found,
            "crumbs": _crumbs(
                (reverse("development:reflection"), _("My own reflection")),
                (None, short_datetime(timezone.localtime(found.reflection.taken_at))),
            ),
        },
    )


@never_cache
@login_required
def entry_pdf(request: HttpRequest, reflection_id: int) -> HttpResponse:
    """For the person's own MUS: the entry with its change since last time, as a PDF for themselves."""
    found = _entry_or_404(request, reflection_id)
    pdf = render_pdf("development/reflection_pdf.html", {"entry": found}, request=request)
    return pdf_response(pdf, f"min-refleksion-{timezone.localtime(found.reflection.taken_at):%Y-%m-%d}.pdf")


@login_required
@require_POST
def delete(request: HttpRequest, reflection_id: int) -> HttpResponse:
    try:
        reflections.reflection_delete(actor=request.user, reflection_id=reflection_id)
    except reflections.ReflectionNotFound as exc:
        raise Http404(_("No such reflection.")) from exc
    messages.success(request, _("The reflection is deleted."))
    return redirect("development:reflection")
