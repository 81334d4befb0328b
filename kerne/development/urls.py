from django.urls import path

from kerne.development import views, views_hr

app_name = "development"

urlpatterns = [
    path("", views.index, name="index"),
    path("rapportsamtale/<int:talk_id>/", views.talk_page, name="talk"),
    path("rapportsamtale/<int:talk_id>/noter/", views.talk_note, name="talk-note"),
    path("rapportsamtale/<int:talk_id>/tid/", views.talk_book, name="talk-book"),
    path("rapportsamtale/<int:talk_id>/aflys/", views.talk_cancel, name="talk-cancel"),
    path("rapportsamtale/<int:talk_id>/referat/", views.talk_summary, name="talk-summary"),
    path("rapportsamtale/<int:talk_id>/pdf/", views.talk_pdf, name="talk-pdf"),
    path("rapportsamtale/<int:talk_id>/plan/", views.talk_plan, name="talk-plan"),
    path("lus/<int:lus_id>/", views.lus_page, name="lus"),
    path("lus/<int:lus_id>/noter/", views.lus_note, name="lus-note"),
    path("lus/<int:lus_id>/tid/", views.lus_book, name="lus-book"),
    path("lus/<int:lus_id>/referat/", views.lus_summary, name="lus-summary"),
    path("lus/<int:lus_id>/vippebraet/", views.lus_seesaw, name="lus-seesaw"),
    path("lus/<int:lus_id>/pdf/", views.lus_pdf, name="lus-pdf"),
    path("lus/<int:lus_id>/plan/", views.lus_plan, name="lus-plan"),
    path("lus/indkald/<int:season_id>/<int:person_id>/", views.lus_convene, name="lus-convene"),
    path("plan/<int:plan_id>/", views.plan_page, name="plan"),
    path("plan/<int:plan_id>/pdf/", views.plan_pdf, name="plan-pdf"),
    path("plan/<int:plan_id>/bekraeft/", views.plan_confirm, name="plan-confirm"),
    path("plan/<int:plan_id>/punkt/", views.plan_item, name="plan-item-new"),
    path("plan/<int:plan_id>/punkt/<int:item_id>/", views.plan_item, name="plan-item"),
    path("plan/<int:plan_id>/punkt/<int:item_id>/slet/", views.plan_item_delete, name="plan-item-delete"),
    path("plan/<int:plan_id>/punkt/<int:item_id>/status/", views.plan_item_status, name="plan-item-status"),
    path("plan/<int:plan_id>/statussamtale/<int:talk_id>/", views.status_talk, name="status-talk"),
    path("dialogmoede/<int:subject_id>/", views.dialogue_page, name="dialogue"),
    path("dialogmoede/<int:subject_id>/gem/", views.dialogue_save, name="dialogue-save"),
    path("dialogmoede/<int:subject_id>/fokuspunkt/", views.focus_point_add, name="focus-add"),
    path("dialogmoede/<int:subject_id>/fokuspunkt/<int:point_id>/", views.focus_point_change, name="focus-change"),
    path("hr/", views_hr.overview, name="hr"),
    path("hr/forsinkede/", views_hr.overdue, name="hr-overdue"),
    path("hr/moenstre/", views_hr.patterns, name="hr-patterns"),
    path("hr/paamind/", views_hr.remind, name="hr-remind"),
    path("hr/runde/<int:round_id>/frist/", views_hr.talk_days, name="hr-talk-days"),
    path("hr/indstillinger/", views_hr.settings_page, name="hr-settings"),
    path("hr/lus/", views_hr.seasons, name="hr-seasons"),
    path("hr/lus/<int:season_id>/", views_hr.season_page, name="hr-season"),
]
