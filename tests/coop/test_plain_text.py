"""Text fields refuse control characters, direction overrides, BOMs and lone surrogates."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from coop.hours.importing import import_hours
from coop.models import TimeEntry
from coop.plain_text import MULTI_LINE, SINGLE_LINE, forbidden_character, project_text_fields
from payroll.forms import RevenueForm
from tests.conftest import as_member
from tests.factories import ProjectFactory

REFUSED_EVERYWHERE = [
    "Dara\u0007 O'Neill",  # BEL (C0)
    "nul\u0000",
    "del\u007f",
    "c1\u0085next",  # NEL (C1)
    "\u202eevil",  # right-to-left override
    "\u2066isolate\u2069",
    "\ufeffbom",
    "lone \ud800 surrogate",
]


@pytest.mark.parametrize("text", REFUSED_EVERYWHERE)
def test_refused_in_single_and_multi_line_text(text):
    assert forbidden_character(text, multiline=False) is not None
    assert forbidden_character(text, multiline=True) is not None


@pytest.mark.parametrize("text", ["line\nbreak", "tab\there", "windows\r\nbreak"])
def test_line_breaks_and_tabs_only_in_multi_line_text(text):
    assert forbidden_character(text, multiline=True) is None
    assert forbidden_character(text, multiline=False) is not None


@pytest.mark.parametrize(
    "text", ["Zoë Ñúñez-Øster", "Łukasz", "Ελένη", "Дмитрий", "王小明", "עִבְרִית", "مرحبا", "🙂 ok"]
)
def test_real_names_in_any_script_pass(text):
    assert forbidden_character(text, multiline=False) is None


def test_the_message_names_the_character_and_its_place():
    with pytest.raises(ValidationError) as error:
        SINGLE_LINE("Dara\u0007 O'Neill")
    assert "U+0007 at position 5" in error.value.messages[0]


def test_every_text_field_of_every_project_model_carries_the_rule():
    fields = project_text_fields()
    apps = {field.model._meta.app_label for field in fields}
    assert apps == {"coop", "governance", "books", "payroll", "billing", "banking", "api"}
    for field in fields:
        rule = MULTI_LINE if isinstance(field, models.TextField) else SINGLE_LINE
        assert rule in field.validators, f"{field.model.__name__}.{field.name}"
        # not written into migrations
        assert rule not in field.deconstruct()[3].get("validators", [])


def test_every_form_and_serializer_char_field_applies_it():
    with pytest.raises(ValidationError):
        forms.CharField().clean("a\u202eb")
    with pytest.raises(ValidationError):
        forms.CharField().clean("two\nlines")
    assert forms.CharField(widget=forms.Textarea).clean("two\nlines") == "two\nlines"
    with pytest.raises(serializers.ValidationError):
        serializers.CharField().run_validation("a\u0007b")
    with pytest.raises(serializers.ValidationError):
        serializers.ListField(child=serializers.CharField()).run_validation(["ok", "\ufeffno"])
    textarea = serializers.CharField(style={"base_template": "textarea.html"})
    assert textarea.run_validation("two\nlines") == "two\nlines"


@pytest.mark.django_db
class TestThroughTheApi:
    def test_a_legal_name_with_a_bell_is_a_400_naming_the_field(self, api, member):
        response = as_member(api, member).patch(
            f"/api/v1/coops/{member.cooperative.slug}/members/{member.pk}/",
            {"legal_name": "Dara\u0007 O'Neill"},
            format="json",
        )
        assert response.status_code == 400
        assert "U+0007" in response.json()["errors"]["legal_name"][0]
        member.refresh_from_db()
        assert member.legal_name == ""

    def test_a_description_keeps_its_line_breaks_but_not_an_override(self, api, member):
        project = ProjectFactory(client__cooperative=member.cooperative)
        path = f"/api/v1/coops/{member.cooperative.slug}/time-entries/"
        body = {"project": project.pk, "date": "2026-09-01", "minutes": 30}
        client = as_member(api, member)
        refused = client.post(path, {**body, "description": "fix \u202egnp.exe"}, format="json")
        assert refused.status_code == 400
        assert "U+202E" in refused.json()["errors"]["description"][0]
        kept = client.post(path, {**body, "description": "one\ntwo\tthree"}, format="json")
        assert kept.status_code == 201, kept.json()
        assert TimeEntry.objects.get().description == "one\ntwo\tthree"

    def test_a_timer_description(self, api, member):
        project = ProjectFactory(client__cooperative=member.cooperative)
        response = as_member(api, member).post(
            f"/api/v1/coops/{member.cooperative.slug}/timer/start/",
            {"project": project.pk, "description": "bell\u0007"},
            format="json",
        )
        assert response.status_code == 400
        assert "description" in response.json()["errors"]


@pytest.mark.django_db
def test_an_item_of_a_list_names_its_field_in_a_400(api, treasurer):
    """The second commons recipient is wrong, the first valid: a 400 (was a 500 when the first
    item of a list's errors was the valid item's `{}`)."""
    response = as_member(api, treasurer).post(
        f"/api/v1/coops/{treasurer.cooperative.slug}/policies/",
        {"method": "equal", "commons_pct": "0.1", "commons_recipients": [
            {"name": "Django Software Foundation", "weight": "1"},
            {"name": "Free\u0008 Software", "weight": "1"},
        ]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    body = response.json()
    assert "U+0008" in body["detail"] and body["detail"].startswith("name:")
    assert "U+0008" in str(body["errors"]["commons_recipients"][1]["name"])


@pytest.mark.django_db
def test_a_page_form_names_the_field(cooperative):
    form = RevenueForm(
        data={"revenue-amount": "10", "revenue-invoice_reference": "INV\u0007 1"},
        cooperative=cooperative,
    )
    assert not form.is_valid()
    assert "U+0007" in form.errors["invoice_reference"][0]


@pytest.mark.django_db
def test_an_imported_row_with_a_control_character_is_rejected(member):
    ProjectFactory(client__cooperative=member.cooperative, client__name="Acme", name="Site")
    data = (
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
        "End date,End time,Duration,Tags,Amount (EUR)\n"
        f"Ana,{member.user.email},Acme,Site,,bell\u0007,No,2026-09-01,09:00:00,"
        "2026-09-01,10:00:00,01:00:00,,\n"
    )
    report = import_hours(cooperative=member.cooperative, actor=member, data=data)
    assert report.created == 0
    assert "U+0007" in report.rejected[0]["reason"]
