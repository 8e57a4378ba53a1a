from django.urls import path

from .uploads import statement_upload_view
from .views import DashboardGraphQLView

urlpatterns = [
    path("", DashboardGraphQLView.as_view(), name="graphql"),
    path("statements", statement_upload_view, name="statement-upload"),
]
