"""The REST layer: serializers, viewsets, routers, permissions and the OpenAPI schema."""
