"""HR's page: which framework role level applies to each of the organisation's role levels."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kerne.accounts import policy
from kerne.frameworks.mapping import suggest_mapping
from kerne.frameworks.models import Framework, RoleLevelMapping
from kerne.frameworks.selectors import visible_frameworks
from kerne.frameworks.services import MappingError, role_level_mapping_set
from kerne.organisation.models import OrgRoleLevel


def _parse(post: Any, org_levels: list[OrgRoleLevel]) -> tuple[dict[int, int | None], dict[int, str]]:
    """The posted choice per organisation level (field "level-<id>"); bad values become errors."""
    chosen: dict[int, int | None] = {}
    errors: dict[int, str] = {}
    for level in org_levels:
        raw = str(post.get(f"level-{level.pk}", "")).strip()
        if not raw:
            chosen[level.pk] = None
        elif raw.isdigit():
            chosen[level.pk] = int(raw)
        else:
            errors[level.pk] = _("%(level)s: choose one of the levels in the list.") % {"level": level.name}
    return chosen, errors


def _back_to(request: HttpRequest) -> str:
    """The page HR came from in the round set-up ("tilbage"), when it is a path on this site."""
    target = str(request.GET.get("tilbage") or request.POST.get("tilbage") or "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@policy.org_admin_required
def role_level_mapping_view(request: HttpRequest) -> HttpResponse:
    organisation = policy.organisation_of(request.user)
    back = _back_to(request)
    frameworks = list(visible_frameworks(request.user).prefetch_related("role_levels").order_by("publisher", "name"))
    with_levels = [fw for fw in frameworks if list(fw.role_levels.all())]
    slug = request.GET.get("ramme") or request.POST.get("ramme") or (with_levels[0].slug if with_levels else "")
    framework: Framework | None = next((fw for fw in with_levels if fw.slug == slug), None)
    org_levels = list(OrgRoleLevel.objects.filter(organisation=organisation).order_by("rank"))
    context: dict[str, Any] = {
        "frameworks": with_levels,
        "without_levels": [fw for fw in frameworks if fw not in with_levels],
        "framework": framework,
        "org_levels": org_levels,
        "crumbs": [(reverse("home"), _("Front page")), (None, _("Role levels"))],
        "back": back,
    }
    if framework is None:
        if slug and request.method == "POST":
            messages.error(request, _("Choose a framework with role levels."))
        return render(request, "frameworks/mapping.html", context)
    framework_levels = list(framework.role_levels.all())
    saved = dict(
        RoleLevelMapping.objects.filter(organisation=organisation, framework=framework).values_list(
            "org_role_level_id", "role_level_id"
        )
    )
    suggestion = suggest_mapping(org_levels, framework_levels)
    by_key = {fw.key: fw.pk for fw in framework_levels}
    errors: dict[int, str] = {}
    if request.method == "POST":
        chosen, errors = _parse(request.POST, org_levels)
        if not errors:
            try:
                changed = role_level_mapping_set(
                    organisation=organisation, framework=framework, mapping=chosen, actor=request.user
                )
            except MappingError as error:
                errors[0] = str(error)
            else:
                messages.success(
                    request,
                    _("The role levels for %(framework)s are saved (%(count)s changed).")
                    % {"framework": framework.name, "count": changed},
                )
                query = urlencode({"ramme": framework.slug, **({"tilbage": back} if back else {})})
                return redirect(f"{reverse('frameworks:role-level-mapping')}?{query}")
        current = {level.pk: request.POST.get(f"level-{level.pk}", "") for level in org_levels}
    else:
        current = {
            level.pk: str(saved[level.pk] or "")
            if level.pk in saved
            else str(by_key.get(suggestion[level.key] or "", ""))
            for level in org_levels
        }
    context.update(
        {
            "framework_levels": framework_levels,
            "rows": [
                {
                    "level": level,
                    "current": current[level.pk],
                    "suggested": level.pk not in saved and request.method != "POST",
                    "error": errors.get(level.pk, ""),
                }
                for level in org_levels
            ],
            "form_error": errors.get(0, ""),
            "has_errors": bool(errors),
        }
    )
    return render(request, "frameworks/mapping.html", context, status=400 if errors else 200)
