from django.urls import path

from kerne.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("leder/<int:subject_id>/", views.personal_report, name="personal"),
    path("leder/<int:subject_id>/pdf/", views.personal_report_pdf, name="personal-pdf"),
    path("runde/<int:round_id>/", views.org_report_page, name="organisation"),
    path("runde/<int:round_id>/eksport.<str:fmt>", views.org_export, name="export"),
    path("runde/<int:round_id>/ledere/", views.subject_list, name="subjects"),
    path("runde/<int:round_id>/frigiv/", views.publish, name="publish"),
    path("runde/<int:round_id>/forbered-igen/", views.disclosure_retry, name="disclosure-retry"),
    path("runde/<int:round_id>/pdf-samling/", views.pdf_batch_start, name="pdf-batch"),
    path("pdf-samling/<int:batch_id>/", views.pdf_batch_status, name="pdf-batch-status"),
    path("pdf-samling/<int:batch_id>/hent/", views.pdf_batch_download, name="pdf-batch-download"),
]
