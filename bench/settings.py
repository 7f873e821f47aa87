"""Settings of the benchmarks: the project's, with the throttles out of the way.

The load generator sends thousands of requests a second from one address with a handful of
tokens; the production rates would answer 429 and measure the throttle instead of the API.
The throttle classes still run (a cache read and write per request), as they do in production.
"""

from cooperage.settings import *  # noqa: F403
from cooperage.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench.urls"
DEBUG = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000/s", "user": "1000000/s", "auth": "1000000/s"},
}
