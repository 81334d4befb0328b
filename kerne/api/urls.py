"""HR's page for API keys (mounted at /api-noegler/); the API itself is kerne.api.main.api."""

from django.urls import path

from kerne.api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list_view, name="list"),
    path("<int:pk>/tilbagekald/", views.token_revoke_view, name="revoke"),
]
