"""Numbers and amounts on forms as the page's language writes them (Babel, strict): "300,50" and
"1.234,56" in Spanish and German, "1,234.56" in English; what could be read two ways is refused,
naming the field; the API keeps plain decimals."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from coop.forms import LocalizedDecimalField
from payroll.forms import PolicyForm, RevenueForm
from payroll.models import DistributionPolicy, Revenue
from tests.factories import ClientFactory
from tests.web import flashes, signed_in


@pytest.mark.parametrize(
    ("language", "typed", "number"),
    [
        ("es", "300,50", "300.50"), ("es", "1.234,56", "1234.56"), ("de", "1.234,56", "1234.56"),
        ("de", "300,50", "300.50"), ("de", "-50,5", "-50.5"), ("de", "12", "12"),
        ("en", "1,234.56", "1234.56"), ("en", "300.50", "300.50"),
    ],
)  # fmt: skip
def test_the_language_s_notation_is_read(language, typed, number):
    with translation.override(language):
        assert LocalizedDecimalField(label="Amount").clean(typed) == Decimal(number)


@pytest.mark.parametrize(
    ("language", "typed", "example"),
    [("de", "300.50", "1.234,56"), ("es", "1,234.56", "1.234,56"), ("de", "1.5", "1.234,56"),
     ("en", "300,50", "1,234.56"), ("en", "1,5", "1,234.56")],
)  # fmt: skip
def test_what_could_be_read_two_ways_is_refused_naming_the_field(language, typed, example):
    with translation.override(language):
        with pytest.raises(Exception) as refused:
            LocalizedDecimalField(label=translation.gettext("Amount")).clean(typed)
        message = " ".join(refused.value.messages)
        assert message.startswith(translation.gettext("Amount") + ":")
        assert f"{typed}" in message.split(":", 1)[1] and example in message


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [("en", "twelve", "is not a number"), ("de", "12 €", "ist keine Zahl"),
     ("es", "1+2", "no es un número"), ("de", "abc", "ist keine Zahl")],
)  # fmt: skip
def test_what_is_no_number_at_all_is_called_so(language, typed, said):
    """Not "can be read more than one way", which only a number in the wrong notation can."""
    with translation.override(language):
        with pytest.raises(Exception) as refused:
            LocalizedDecimalField(label=translation.gettext("Amount")).clean(typed)
        message = " ".join(refused.value.messages)
        assert message.startswith(translation.gettext("Amount") + ":")
        assert typed in message and said in message


def test_other_digits_are_refused():
    with pytest.raises(Exception, match="0-9"):
        LocalizedDecimalField().clean("١٠٠")


@pytest.mark.parametrize(("language", "shown"), [("en", "1234.5"), ("es", "1234,5"),
                                                  ("de", "1234,5")])  # fmt: skip
def test_a_stored_number_is_shown_as_the_language_writes_it(language, shown):
    with translation.override(language):
        assert LocalizedDecimalField().prepare_value(Decimal("1234.5")) == shown
        assert LocalizedDecimalField().prepare_value("1.234,5") == "1.234,5"  # as typed


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "de"])
def test_revenue_with_a_decimal_comma_is_saved_and_said_back(
    client, clock, cooperative, treasurer, language
):
    clock.set(datetime.datetime(2026, 12, 9, 12, tzinfo=datetime.UTC), tick=True)
    customer = ClientFactory(cooperative=cooperative, name="Rosario")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    form = {"month": "2026-12", "revenue-client": customer.pk, "revenue-received_on": "2026-12-04"}
    signed_in(client, treasurer)
    refused = client.post(f"/c/{cooperative.slug}/money/revenue/",
                          {**form, "revenue-amount": "300.50"})  # fmt: skip
    assert refused.status_code == 400
    with translation.override(language):
        label = str(RevenueForm.base_fields["amount"].label)
    assert re.search(rf"{label}: .300\.50.", refused.content.decode())
    assert not Revenue.objects.exists()
    saved = client.post(f"/c/{cooperative.slug}/money/revenue/",
                        {**form, "revenue-amount": "1.234,56"})  # fmt: skip
    assert saved.status_code == 302
    assert Revenue.objects.get().amount == Decimal("1234.56")
    assert any("1.234,56" in flash for flash in flashes(saved))


@pytest.mark.django_db
def test_a_policy_is_shown_and_adopted_with_decimal_commas(client, cooperative, treasurer):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    signed_in(client, treasurer)
    url = f"/c/{cooperative.slug}/money/policies/"
    response = client.post(url, {
        "policy-method": "weighted_hours", "policy-commons_pct": "12,5",
        "policy-reserve_pct": "10", "policy-education_pct": "2,25", "policy-cash_pct": "80",
        "policy-max_pay_ratio": "2,5", "policy-approval": "treasurer",
        "commons-TOTAL_FORMS": "1", "commons-INITIAL_FORMS": "0",
        "commons-0-name": "OpenStreetMap Foundation", "commons-0-weight": "1,5"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = DistributionPolicy.objects.get()
    assert (policy.commons_pct, policy.education_pct, policy.max_pay_ratio) == (
        Decimal("0.125"), Decimal("0.0225"), Decimal("2.5"))  # fmt: skip
    assert policy.commons_recipients[0]["weight"] == "1.5"
    page = client.get(url).content.decode()
    for name, shown in [("policy-commons_pct", "12,5"), ("policy-education_pct", "2,25"),
                        ("policy-max_pay_ratio", "2,5"), ("commons-0-weight", "1,5")]:  # fmt: skip
        assert re.search(rf'name="{name}" value="{shown}"', page), name
    with translation.override("de"):
        assert PolicyForm(initial=PolicyForm.initial_from(policy))["commons_pct"].value() == "12,5"
