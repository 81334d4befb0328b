"""URL map: each app mounts its own urls; the API mounts each app's router; kerne.home the pages that draw on all."""

from django.urls import include, path

from kerne.api.main import api
from kerne.home import views as home

urlpatterns = [
    path("", home.home, name="home"),
    path("konto/min-side/", home.my_page, name="me"),
    path("konto/", include("kerne.accounts.urls")),
    path("ledelsesgrundlag/", include("kerne.frameworks.urls")),
    path("svar/", include("kerne.evaluations.answer_urls")),
    path("rapporter/", include("kerne.reports.urls")),
    path("evaluering/", include("kerne.evaluations.urls")),
    path("organisation/import/", include("kerne.accounts.import_urls")),
    path("resultater/", include("kerne.results.urls")),
    path("api-noegler/", include("kerne.api.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
