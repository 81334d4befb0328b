"""HR's catalogue of development activities, and the picture of development needs (HR and the
direktion) with its yearly summary as PDF and Excel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kerne.accounts import policy
from kerne.core import tables
from kerne.core.downloads import download_name, download_response
from kerne.core.pdf import pdf_response, render_pdf
from kerne.development import access, forms, needs, selectors
from kerne.development.models import Activity
from kerne.development.services import catalogue as services
from kerne.frameworks.models import Node
from kerne.frameworks.selectors import visible_frameworks

CSS = "development/development.css"


def _crumbs(*items: tuple[str | None, str]) -> list[tuple[str | None, str]]:
    return [(reverse("home"), _("Front page")), (reverse("development:index"), _("Development")), *items]


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


# --- the catalogue (HR) --------------------------------------------------------------------------


@policy.org_admin_required
def catalogue(request: HttpRequest) -> HttpResponse:
    activities = selectors.catalogue(request.user)
    names: dict[tuple[int, str], str] = {
        (fw, key): name
        for fw, key, name in Node.objects.filter(framework_id__in={a.framework_id for a in activities}).values_list(
            "framework_id", "key", "name"
        )
    }
    rows = [(a, [names.get((a.framework_id, k), k) for k in a.node_keys]) for a in activities]
    return render(
        request,
        "development/hr_catalogue.html",
        {
            "rows": rows,
            "css": CSS,
            "crumbs": _crumbs((reverse("development:hr"), _("HR overview")), (None, _("Catalogue of activities"))),
        },
    )


def _activity_form(request: HttpRequest, activity: Activity | None) -> forms.ActivityForm:
    frameworks = list(visible_frameworks(request.user).order_by("name", "pk"))
    nodes = [
        (
            fw.name,
            [
                (n.key, ("— " if n.depth else "") + n.label)
                for n in Node.objects.filter(framework=fw, depth__lte=1).order_by("position")
            ],
        )
        for fw in frameworks
    ]
    initial: dict[str, Any] = {"framework": frameworks[0].pk if len(frameworks) == 1 else None}
    if activity is not None:
        initial = {
            "name": activity.name,
            "kind": activity.kind,
            "framework": activity.framework_id,
            "node_keys": activity.node_keys,
            "description": activity.description,
            "provider": activity.provider,
            "link": activity.link,
            "duration": activity.duration,
            "price": activity.price,
        }
    return forms.ActivityForm(
        request.POST or None,
        initial=initial,
        frameworks=[(fw.pk, fw.name) for fw in frameworks],
        nodes=nodes if len(frameworks) > 1 else (nodes[0][1] if nodes else []),
    )


@policy.org_admin_required
def activity_edit(request: HttpRequest, activity_id: int | None = None) -> HttpResponse:
    organisation = policy.organisation_of(request.user)
    activity = get_object_or_404(Activity, pk=activity_id, organisation=organisation) if activity_id else None
    form = _activity_form(request, activity)
    if request.method == "POST" and form.is_valid():
        data = services.ActivityData(
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            framework_id=form.cleaned_data["framework"],
            node_keys=form.cleaned_data["node_keys"],
            description=form.cleaned_data["description"],
            provider=form.cleaned_data["provider"],
            link=form.cleaned_data["link"],
            duration=form.cleaned_data["duration"],
            price=form.cleaned_data["price"],
        )
        try:
            saved = services.activity_save(actor=request.user, data=data, activity=activity)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("“%(name)s” is saved in the catalogue.") % {"name": saved.name})
            return redirect("development:hr-catalogue")
    title = _("Change the activity") if activity else _("Add an activity")
    return render(
        request,
        "development/hr_activity.html",
        {
            "form": form,
            "activity": activity,
            "title": title,
            "css": CSS,
            "crumbs": _crumbs(
                (reverse("development:hr"), _("HR overview")),
                (reverse("development:hr-catalogue"), _("Catalogue of activities")),
                (None, title),
            ),
        },
    )


@policy.org_admin_required
@require_POST
def activity_active(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=activity_id, organisation=policy.organisation_of(request.user))
    active = request.POST.get("active") == "1"
    services.activity_active_set(actor=request.user, activity=activity, active=active)
    if active:
        messages.success(request, _("“%(name)s” is offered again.") % {"name": activity.name})
    else:
        messages.success(
            request,
            _("“%(name)s” is no longer offered; plan items that chose it keep it.") % {"name": activity.name},
        )
    return redirect("development:hr-catalogue")


# --- the picture of development needs (HR and the direktion) -------------------------------------


def _picture(request: HttpRequest) -> needs.NeedsPicture:
    if access.needs_scope(request.user) is None:
        raise PermissionDenied(_("Only HR and the direktion can see the picture of development needs."))
    return needs.needs_picture(
        request.user,
        framework_id=_int(request.GET.get("grundlag")),
        granularity=needs.COMPETENCIES if request.GET.get("niveau") == "kompetencer" else needs.AREAS,
        unit_id=_int(request.GET.get("enhed")),
        level_id=_int(request.GET.get("ledelsesniveau")),
    )


def _query(picture: needs.NeedsPicture, **changes: Any) -> str:
    params = {
        "grundlag": picture.framework.pk if picture.framework else "",
        "niveau": "kompetencer" if picture.granularity == needs.COMPETENCIES else "omraader",
        "enhed": picture.focus or "",
        "ledelsesniveau": picture.level or "",
    }
    params.update(changes)
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v not in ("", None, 0)})


@login_required
def needs_page(request: HttpRequest) -> HttpResponse:
    picture = _picture(request)
    return render(
        request,
        "development/needs.html",
        {
            "picture": picture,
            "query": _query(picture),
            "unit_links": {row.key: _query(picture, enhed=row.key) for row in picture.units},
            "trail_links": [(label, _query(picture, enhed=pk)) for pk, label in picture.trail],
            "top_link": _query(picture, enhed=""),
            "css": CSS,
            "crumbs": _crumbs((None, _("Development needs"))),
        },
    )


def _name(picture: needs.NeedsPicture, extension: str) -> str:
    return download_name(
        _("Development needs"), picture.focus_label, str(timezone.localdate().year), extension=extension
    )


@login_required
def needs_pdf(request: HttpRequest) -> HttpResponse:
    picture = _picture(request)
    services.needs_export_record(actor=request.user, format="pdf", unit=picture.focus)
    pdf = render_pdf("development/needs_pdf.html", {"picture": picture, "today": timezone.localdate()}, request=request)
    return pdf_response(pdf, _name(picture, "pdf"))


def needs_sheets(picture: needs.NeedsPicture) -> list[tables.Sheet]:
    """The three tables of the page as Excel sheets: hidden figures are empty cells with the reason."""
    per_node = [
        column
        for _key, name in picture.nodes
        for column in (
            tables.Column(_("%(name)s: leaders with an item") % {"name": name}, tables.INTEGER),
            tables.Column(_("%(name)s: chose an activity") % {"name": name}, tables.INTEGER),
        )
    ]

    def counts(row: needs.Row) -> list[Any]:
        return [value for f in row.figures for value in (f.count, f.chosen)]

    main = tables.Sheet(
        _("Needs"),
        [
            tables.Column(_("Area or competency")),
            tables.Column(_("Leaders with an item"), tables.INTEGER),
            tables.Column(_("Chose an activity"), tables.INTEGER),
            tables.Column(_("Result (mean, everyone else)"), tables.DECIMAL),
            tables.Column(_("Among the weakest results")),
            tables.Column(_("Note")),
        ],
        [
            [
                name,
                f.count,
                f.chosen,
                round(f.mean, 2) if f.mean is not None else None,
                _("yes") if f.weakest else "",
                picture.reason_text(picture.main),
            ]
            for (_key, name), f in zip(picture.nodes, picture.main.figures, strict=True)
        ],
    )
    header = [tables.Column(_("Leaders with a plan"), tables.INTEGER), *per_node, tables.Column(_("Note"))]
    units = tables.Sheet(
        _("Units"),
        [tables.Column(_("Unit")), *header],
        [[r.label, None if r.hidden else r.population, *counts(r), picture.reason_text(r)] for r in picture.units],
    )
    levels = tables.Sheet(
        _("Role levels"),
        [tables.Column(_("Role level")), *header],
        [[r.label, None if r.hidden else r.population, *counts(r), picture.reason_text(r)] for r in picture.by_level],
    )
    return [main, units, levels]


@login_required
def needs_xlsx(request: HttpRequest) -> HttpResponse:
    picture = _picture(request)
    services.needs_export_record(actor=request.user, format="xlsx", unit=picture.focus)
    return download_response(
        tables.xlsx_bytes(needs_sheets(picture)), filename=_name(picture, "xlsx"), content_type=tables.XLSX_TYPE
    )
