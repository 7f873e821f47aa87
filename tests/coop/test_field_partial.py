"""Every page writes a form field one way: coop/partials/field.html, through Django's
`as_field_group` (settings.FORM_RENDERER) or an include with a suffix, a unit or a help text."""

import re

import pytest
from django import forms
from django.template import Context, Template


class Sample(forms.Form):
    amount = forms.DecimalField(label="Amount", help_text="Positive")
    agree = forms.BooleanField(label="I agree", required=False)


def test_a_field_group_is_the_shared_partial():
    form = Sample(data={"amount": "x"})
    form.is_valid()
    html = form["amount"].as_field_group()
    assert '<div class="field field-amount has-error">' in html
    assert '<label for="id_amount">Amount</label>' in html
    # the errors and the help are tied to the input by Django's aria-describedby
    assert '<ul class="errorlist" id="id_amount_error"><li>Enter a number.</li></ul>' in html
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in html
    assert '<small class="help" id="id_amount_helptext">Positive</small>' in html
    assert html.index("errorlist") < html.index("<input")


def test_a_checkbox_sits_in_its_label():
    html = Sample()["agree"].as_field_group()
    assert re.search(
        r'<label class="check" for="id_agree"><input type="checkbox"[^>]*> I agree', html
    )


def test_the_include_takes_a_suffix_a_unit_and_a_help_text():
    template = Template(
        '{% include "coop/partials/field.html" with field=form.amount suffix="EUR" unit="%" '
        'help="Typed as percent" %}'
    )
    html = template.render(Context({"form": Sample()}))
    assert '<label for="id_amount">Amount (EUR)</label>' in html
    assert '<span class="with-unit"><input' in html and '<span aria-hidden="true">%</span>' in html
    assert "Typed as percent" in html and "Positive" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["hours/import/", "money/policies/", "money/capital/", "money/", "proposals/new/",
     "proposals/delegations/"],
)  # fmt: skip
def test_the_pages_use_it(client, cooperative, treasurer, path):
    client.force_login(treasurer.user)
    html = client.get(f"/c/{cooperative.slug}/{path}").content.decode()
    assert '<div class="field field-' in html
