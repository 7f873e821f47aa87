"""Login lockout (django-axes) for the API token login, answered in the API's error body.

The web login gets the same lockout from axes' backend and middleware; the token login calls
`authenticate()` with a DRF request, which the middleware never sees, so the lockout is turned
into a 403 here, and a success clears the failed attempts as a web login does.
"""

from axes.helpers import get_client_ip_address, get_cool_off
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import authenticate
from rest_framework import exceptions, status
from rest_framework.request import Request

from coop.models import User


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "Too many failed logins: try again later."
    default_code = "locked_out"

    def __init__(self, wait_seconds: int | None) -> None:
        if wait_seconds:
            minutes = max(1, round(wait_seconds / 60))
            detail = (
                f"Too many failed logins with this e-mail address from your address: "
                f"try again in {minutes} minutes."
            )
        else:
            detail = self.default_detail
        super().__init__(detail)
        self.wait = wait_seconds  # DRF sends it as Retry-After


def authenticate_or_lock(request: Request, *, email: str, password: str) -> User | None:
    """The user with this e-mail address and password, or None if they do not match.

    Raises `LockedOut` while this address is locked out from this IP address, even when the
    password is right.
    """
    user = authenticate(request, username=email, password=password)
    if getattr(request, "axes_locked_out", False):
        cool_off = get_cool_off(request)
        raise LockedOut(int(cool_off.total_seconds()) if cool_off else None)
    if user is not None and settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
        reset(ip=get_client_ip_address(request), username=email)
    return user
