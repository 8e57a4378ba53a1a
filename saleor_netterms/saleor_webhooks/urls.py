"""One route per registry entry: /api/webhooks/<slug> (the manifest's targetUrl)."""
from django.urls import path

from .registry import WEBHOOKS
from .views import webhook_view

urlpatterns = [
    path(definition.slug, webhook_view, {"definition": definition}, name=f"webhook-{definition.slug}")
    for definition in WEBHOOKS
]
