"""URL map: each app mounts its own urls; the API mounts each app's router."""

from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/", include("kerne.accounts.urls")),
    path("ledelsesgrundlag/", include("kerne.frameworks.urls")),
    path("svar/", include("kerne.evaluations.answer_urls")),
    path("rapporter/", include("kerne.reports.urls")),
    path("evaluering/", include("kerne.evaluations.urls")),
    path("organisation/import/", include("kerne.accounts.import_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
