from django.urls import path

from kerne.evaluations import views_answer

app_name = "answer"

urlpatterns = [
    # The address the form lives at: a random handle kept in the rater's own browser.
    path("s/<str:handle>/", views_answer.answer_view, name="form"),
    # Min side: a logged-in person opens one of their own questionnaires (the same link).
    path("mine/<int:pk>/", views_answer.mine_view, name="mine"),
    # The link from the e-mail: taken once, then redirected to the form.
    path("<str:token>/", views_answer.link_view, name="link"),
]
