"""The co-op's legal profile: chosen by an admin (page, API, Django admin), shown to every member
on the page that explains what it checks, with the rules cited; the bylaws setting the German
law leaves to the statutes."""

import pytest
from django.core.exceptions import ValidationError

from coop.bylaws import statutory_reserve_share, validate_bylaws
from coop.legal_profiles import PROFILES, profile_of
from tests.conftest import as_member
from tests.web import signed_in

pytestmark = pytest.mark.django_db


def test_every_profile_that_checks_cites_its_rule():
    assert set(PROFILES) >= {"generic", "es", "de", "us"}
    for profile in PROFILES.values():
        for minimum in profile.minimums:
            assert minimum.citation and "%(least)s" in minimum.rule and "%(given)s" in minimum.rule
        assert bool(profile.law) == profile.checks_anything
    assert profile_of("xx") is PROFILES["generic"]  # a profile removed later checks nothing


class TestBylawsSetting:
    def test_statutory_reserve_is_a_fraction_written_as_text_or_null(self):
        validate_bylaws({"statutory_reserve_pct": "0.10"})
        validate_bylaws({"statutory_reserve_pct": None})
        for wrong in (0.1, "1", "-0.1", "ten", "NaN"):
            with pytest.raises(ValidationError, match="legal reserve"):
                validate_bylaws({"statutory_reserve_pct": wrong})

    def test_the_share_is_read_as_a_decimal(self):
        assert statutory_reserve_share({}) is None
        assert str(statutory_reserve_share({"statutory_reserve_pct": "0.10"})) == "0.10"


class TestApi:
    def url(self, cooperative):
        return f"/api/v1/coops/{cooperative.slug}/"

    def test_every_member_reads_it(self, api, member):
        response = as_member(api, member).get(self.url(member.cooperative))
        assert response.status_code == 200
        assert response.json()["legal_profile"] == "generic"

    def test_an_admin_changes_it_and_it_is_audited(self, api, admin_member):
        cooperative = admin_member.cooperative
        response = as_member(api, admin_member).patch(
            self.url(cooperative), {"legal_profile": "es"}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["legal_profile"] == "es"
        cooperative.refresh_from_db()
        assert cooperative.law is PROFILES["es"]
        event = cooperative.audit_events.get(verb="cooperative.updated")
        assert event.data["changed"] == {"legal_profile": ["generic", "es"]}

    def test_the_treasurer_may_not(self, api, treasurer):
        response = as_member(api, treasurer).patch(
            self.url(treasurer.cooperative), {"legal_profile": "us"}, format="json"
        )
        assert response.status_code == 403
        treasurer.cooperative.refresh_from_db()
        assert treasurer.cooperative.legal_profile == "generic"

    def test_an_unknown_profile_is_refused_naming_the_field(self, api, admin_member):
        response = as_member(api, admin_member).patch(
            self.url(admin_member.cooperative), {"legal_profile": "fr"}, format="json"
        )
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["legal_profile"]


class TestPage:
    def url(self, cooperative):
        return f"/c/{cooperative.slug}/law/"

    def test_a_member_reads_what_spain_checks_with_the_citations(self, client, member):
        cooperative = member.cooperative
        cooperative.legal_profile = "es"
        cooperative.save()
        html = signed_in(client, member).get(self.url(cooperative)).content.decode()
        assert "Spain (Ley 27/1999 de Cooperativas)" in html
        assert "Ley 27/1999, art. 58.1" in html
        assert "https://www.boe.es/buscar/act.php?id=BOE-A-1999-15681" in html
        assert "20%" in html and "5%" in html
        assert "Change the legal profile" not in html  # members read, admins change

    def test_germany_shows_the_bylaws_figure(self, client, member):
        cooperative = member.cooperative
        cooperative.legal_profile = "de"
        cooperative.bylaws = {**cooperative.bylaws, "statutory_reserve_pct": "0.10"}
        cooperative.save()
        html = signed_in(client, member).get(self.url(cooperative)).content.decode()
        assert "GenG §7 Nr. 2" in html and "10%" in html
        assert "<code>statutory_reserve_pct</code>" in html

    def test_an_admin_changes_it(self, client, admin_member):
        cooperative = admin_member.cooperative
        response = signed_in(client, admin_member).post(
            self.url(cooperative), {"legal_profile": "us"}
        )
        assert response.status_code == 302
        cooperative.refresh_from_db()
        assert cooperative.legal_profile == "us"
        html = client.get(self.url(cooperative)).content.decode()
        assert "26 U.S.C. §1388(c)(1)" in html

    def test_another_member_may_not_and_an_outsider_sees_nothing(self, client, member, outsider):
        response = signed_in(client, member).post(
            self.url(member.cooperative), {"legal_profile": "us"}
        )
        assert response.status_code == 403
        signed_in(client, outsider)
        assert client.get(self.url(member.cooperative)).status_code == 404

    def test_an_unknown_profile_is_a_400_on_the_page(self, client, admin_member):
        response = signed_in(client, admin_member).post(
            self.url(admin_member.cooperative), {"legal_profile": "fr"}
        )
        assert response.status_code == 400

    def test_the_dashboard_links_to_it(self, client, member):
        html = signed_in(client, member).get(f"/c/{member.cooperative.slug}/").content.decode()
        assert self.url(member.cooperative) in html
