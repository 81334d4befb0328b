from django.urls import path

from kerne.accounts import views_import

app_name = "org_import"

urlpatterns = [
    path("", views_import.import_list_view, name="list"),
    path("<int:pk>/", views_import.import_detail_view, name="detail"),
    path("<int:pk>/kolonner/", views_import.import_columns_view, name="columns"),
    path("<int:pk>/anvend/", views_import.import_apply_view, name="apply"),
    path("<int:pk>/status/", views_import.import_progress_view, name="progress"),
]
