"""Request rate limits of the API, read from settings on each request.

DRF's throttles copy `DEFAULT_THROTTLE_RATES` once, when they are imported; these read the
current settings instead, so that a deployment's settings and a test's `settings` fixture
both take effect. The counts live in the default cache (see `CACHE_URL`).
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _CurrentRates:
    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonRateThrottle(_CurrentRates, throttling.AnonRateThrottle):
    """Requests without credentials, counted per client IP address (scope `anon`)."""


class UserRateThrottle(_CurrentRates, throttling.UserRateThrottle):
    """Requests of a signed-in user or token, counted per user (scope `user`)."""


class ScopedRateThrottle(_CurrentRates, throttling.ScopedRateThrottle):
    """Requests to views with a `throttle_scope`, counted per user or IP in that scope."""


def client_address(request) -> str:
    """The client's IP address, for rate limits and the login lockout (AXES_CLIENT_IP_CALLABLE).

    `REMOTE_ADDR`, or with `NUM_PROXIES` trusted proxies in front, the address the outermost of
    them saw in `X-Forwarded-For`: a client cannot pick its own address by sending that header.
    """
    return throttling.BaseThrottle().get_ident(request)
