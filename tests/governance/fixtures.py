"""Governance fixtures: proposals at each stage, for every test package (see tests/conftest.py)."""

import datetime

import pytest
from django.utils import timezone

from governance import services


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def make_proposal(now):
    """Draft (and by default open for voting) a proposal authored by `author`."""

    def make(author, *, start=True, **fields):
        fields.setdefault("title", "Adopt the four-day week")
        fields.setdefault("opens_at", now - datetime.timedelta(minutes=1))
        fields.setdefault("closes_at", now + datetime.timedelta(days=7))
        proposal = services.create_proposal(actor=author, **fields)
        if start:
            proposal = services.open_proposal(actor=author, proposal=proposal)
        return proposal

    return make
