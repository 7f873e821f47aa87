"""The project's URLs plus the minimal DRF endpoints the API benchmark compares against."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperage.urls import handler400, handler404, handler500
from cooperage.urls import urlpatterns as project_urls

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


class MinimalView(APIView):
    """The floor of a DRF request here: token authentication, permissions, throttles, JSON.

    GET answers a constant; POST parses the JSON body and answers it back with 201.
    """

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"received": request.data}, status=201)


urlpatterns = [path("bench/minimal/", MinimalView.as_view(), name="bench-minimal"), *project_urls]
