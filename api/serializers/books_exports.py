"""The DATEV numbers of the books' settings, for the API."""

from rest_framework import serializers

from api.serializers.base import ModelSerializer
from books.models import BooksSettings


class DatevNumbersSerializer(ModelSerializer):
    # Ranges are checked by the service (books.services.save_datev_numbers), in its words.
    datev_consultant_number = serializers.IntegerField(
        allow_null=True, required=False, help_text="Beraternummer, 1001 to 9999999"
    )
    datev_client_number = serializers.IntegerField(
        allow_null=True, required=False, help_text="Mandantennummer, 1 to 99999"
    )

    class Meta:
        model = BooksSettings
        fields = ["chart", "datev_consultant_number", "datev_client_number"]
        read_only_fields = ["chart"]
