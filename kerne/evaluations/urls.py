from django.urls import path

from kerne.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("runder/", views.round_list_view, name="rounds"),
    path("runder/ny/", views.round_new_view, name="round_new"),
    path("runder/ny/omraader/", views.round_new_areas_view, name="round_new_areas"),
    path("runder/<int:pk>/", views.round_view, name="round"),
    path("runder/<int:pk>/ledere/", views.round_subjects_view, name="subjects"),
    path("runder/<int:pk>/ledere/vaelg/", views.subjects_select_view, name="subjects_select"),
    path("runder/<int:pk>/ledere/<int:sid>/medtag/", views.subject_include_view, name="subject_include"),
    path("runder/<int:pk>/bedoemmere/", views.round_raters_view, name="raters"),
    path("runder/<int:pk>/bedoemmere/foreslaa/", views.raters_propose_view, name="raters_propose"),
    path("runder/<int:pk>/forhaandsvisning/", views.round_preview_view, name="preview"),
    path("runder/<int:pk>/minimum/", views.group_minimum_lower_view, name="minimum_lower"),
    path("runder/<int:pk>/aabn/", views.round_open_view, name="open"),
    path("runder/<int:pk>/paamindelser/", views.reminders_view, name="remind"),
    path("runder/<int:pk>/invitationer/<int:iid>/send-igen/", views.resend_view, name="resend"),
    path("runder/<int:pk>/invitationer/send-alle-igen/", views.resend_failed_view, name="resend_failed"),
    path("runder/<int:pk>/luk/", views.round_close_view, name="close"),
    path("leder/<int:pk>/", views.subject_view, name="subject"),
    path("leder/<int:pk>/fjern/<int:iid>/", views.rater_remove_view, name="rater_remove"),
    path("godkend/", views.approvals_view, name="approvals"),
    path("godkend/<int:pk>/", views.approval_decide_view, name="decide"),
]
