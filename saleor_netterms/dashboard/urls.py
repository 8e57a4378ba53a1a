from django.urls import path

from . import views

urlpatterns = [
    path("app/", views.app_page, name="app-home"),
    path("app/session", views.session_view, name="app-session"),
]
