from django.contrib.auth import views as auth_views
from django.urls import include, path

from testing.op import control

urlpatterns = [
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("_test/<str:action>/", control.control, name="control"),
]
