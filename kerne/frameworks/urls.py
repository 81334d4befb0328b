from django.urls import path

from kerne.frameworks import views, views_mapping, views_translation

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list_view, name="list"),
    path("soeg/", views.search_view, name="search"),
    path("sammenlign/", views.compare_view, name="compare"),
    path("niveauer/", views_mapping.role_level_mapping_view, name="role-level-mapping"),
    path("oversaettelser/", views_translation.coverage_view, name="translation-coverage"),
    path("<slug:slug>/", views.framework_overview_view, name="overview"),
    path("<slug:slug>/vores/", views_translation.my_translation_view, name="translation-mine"),
    path("<slug:slug>/enhed/<int:unit>/", views_translation.unit_translation_view, name="translation"),
    path(
        "<slug:slug>/enhed/<int:unit>/<slug:kind>/<str:key>/",
        views_translation.translation_item_view,
        name="translation-item",
    ),
    path("<slug:slug>/rolle/<slug:role>/", views.framework_role_view, name="role"),
    path("<slug:slug>/rolle/<slug:role>/pdf/", views.framework_role_pdf_view, name="role-pdf"),
    path("<slug:slug>/omraade/<slug:node>/", views.framework_chain_view, name="chain"),
]
