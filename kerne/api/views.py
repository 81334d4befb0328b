"""HR creates and revokes API keys; a new key is shown once, on the page that created it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kerne.accounts.policy import org_admin_required, organisation_of
from kerne.api import services
from kerne.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        help_text=gettext_lazy("Which system uses the key, for example Fagsystem X."),
        widget=forms.TextInput(attrs={"aria-describedby": "id_name-help"}),
    )


@org_admin_required
def token_list_view(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request.user)
    assert organisation is not None
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.api_token_create(
                    organisation=organisation, name=form.cleaned_data["name"], actor=request.user
                )
            except services.ApiTokenError as error:
                form.add_error("name", str(error))
                status = 400
            else:
                form = TokenForm()
        else:
            status = 400
    tokens = ApiToken.objects.filter(organisation=organisation).select_related("created_by", "revoked_by")
    response = render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "created": created,
            "tokens": tokens,
            "crumbs": [(reverse("home"), _("Front page")), (None, _("API keys"))],
        },
        status=status,
    )
    if created is not None:
        response["Cache-Control"] = "no-store"  # the key is on this page only once
    return response


@require_POST
@org_admin_required
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, organisation=organisation_of(request.user))
    try:
        services.api_token_revoke(token=token, actor=request.user)
    except services.ApiTokenError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The key “%(name)s” has been revoked; systems using it are refused from now on.") % {"name": token.name},
        )
    return redirect("api_tokens:list")
