"""Helpers for tests of the web pages (the API tests use the `api` fixture)."""

from django.contrib.messages import get_messages


def signed_in(client, member):
    """The test client, signed in as `member`'s user (no password, no lockout counted)."""
    client.force_login(member.user)
    return client


def flashes(response):
    """The messages a page flashed, as text, in the order they were added."""
    return [str(message) for message in get_messages(response.wsgi_request)]
