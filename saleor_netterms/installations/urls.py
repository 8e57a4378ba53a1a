from django.urls import path

from . import views

urlpatterns = [
    path("manifest", views.manifest_view, name="manifest"),
    path("register", views.register_view, name="register"),
]
