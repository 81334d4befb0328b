from django.urls import path

from kerne.evaluations import views_answer

app_name = "answer"

urlpatterns = [
    path("<str:token>/", views_answer.answer_view, name="form"),
]
