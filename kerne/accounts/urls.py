from django.urls import path

from kerne.accounts import oidc, views, views_audit

app_name = "accounts"

urlpatterns = [
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ud/", views.LogoutView.as_view(), name="logout"),
    path("logget-ud/", views.logged_out_view, name="logged_out"),
    path("nulstil-adgangskode/", views.PasswordResetView.as_view(), name="password_reset"),
    path("nulstil-adgangskode/sendt/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "nulstil-adgangskode/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("nulstil-adgangskode/faerdig/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Single sign-on: answers 404 unless KERNE_OIDC_* is configured.
    path("oidc/log-ind/", oidc.KerneOIDCRequestView.as_view(), name="oidc_login"),
    path("oidc/callback/", oidc.KerneOIDCCallbackView.as_view(), name="oidc_callback"),
    path("brugere/", views.user_list_view, name="users"),
    path("brugere/<int:pk>/administrator/", views.user_set_admin_view, name="user_set_admin"),
    path("log/", views_audit.audit_log_view, name="audit_log"),
    path("log/csv/", views_audit.audit_log_csv, name="audit_log_csv"),
    path("organisation/", views.unit_tree_view, name="units"),
    path("organisation/enhed/<int:pk>/", views.unit_detail_view, name="unit"),
]
