from django.urls import path

from kerne.frameworks import views, views_mapping

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list_view, name="list"),
    path("soeg/", views.search_view, name="search"),
    path("sammenlign/", views.compare_view, name="compare"),
    path("niveauer/", views_mapping.role_level_mapping_view, name="role-level-mapping"),
    path("<slug:slug>/", views.framework_overview_view, name="overview"),
    path("<slug:slug>/rolle/<slug:role>/", views.framework_role_view, name="role"),
    path("<slug:slug>/rolle/<slug:role>/pdf/", views.framework_role_pdf_view, name="role-pdf"),
    path("<slug:slug>/omraade/<slug:node>/", views.framework_chain_view, name="chain"),
]
