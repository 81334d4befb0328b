from django.urls import path

from kerne.results import views

app_name = "results"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("enhed/<int:pk>/", views.unit_view, name="unit"),
    path("enhed/<int:unit_pk>/indikator/<int:pk>/", views.indicator_view, name="indicator"),
    path("tavle/", views.board_view, name="board"),
    path("omraade/<int:pk>/", views.area_view, name="area"),
    path("maal/", views.goal_list_view, name="goals"),
    path("maal/nyt/", views.goal_new_view, name="goal_new"),
    path("maal/<int:pk>/", views.goal_view, name="goal"),
    path("udvalg/", views.committee_list_view, name="committees"),
    path("udvalg/nyt/", views.committee_new_view, name="committee_new"),
    path("udvalg/<int:pk>/", views.committee_view, name="committee"),
    path("udvalg/<int:pk>/rediger/", views.committee_edit_view, name="committee_edit"),
    path("status/<int:pk>/", views.status_view, name="status"),
    path("status/<int:pk>/udsted/", views.status_issue_view, name="status_issue"),
    path("status/<int:pk>/pdf/", views.status_pdf_view, name="status_pdf"),
    path("indikatorer/", views.indicator_list_view, name="indicators"),
    path("indikatorer/ny/", views.indicator_new_view, name="indicator_new"),
    path("indikatorer/<int:pk>/", views.indicator_edit_view, name="indicator_edit"),
    path("maalsaetning/<int:pk>/slet/", views.target_delete_view, name="target_delete"),
    path("import/", views.import_list_view, name="imports"),
    path("import/<int:pk>/", views.import_view, name="import"),
    path("import/<int:pk>/anvend/", views.import_apply_view, name="import_apply"),
    path("import/<int:pk>/fremdrift/", views.import_progress_view, name="import_progress"),
]
