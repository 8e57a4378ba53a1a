from django.urls import path

from .views import DashboardGraphQLView

urlpatterns = [
    path("", DashboardGraphQLView.as_view(), name="graphql"),
]
