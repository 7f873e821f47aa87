"""Request parsers with a size and a nesting limit: DRF reads a JSON body from the stream, past
Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, so without this any JSON body would be read whole;
and a body nested a thousand levels deep would crash the parser (coop.jsontext)."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from api.errors import PayloadTooLarge
from coop import jsontext


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = int((request.META.get("CONTENT_LENGTH") if request else 0) or 0)
        if limit is not None and declared > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return jsontext.loads(raw.decode(encoding), parse_constant=_no_constants)
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"JSON parse error - {error}") from None


def _no_constants(name: str):
    raise ValueError(f"{name} is not valid JSON")
