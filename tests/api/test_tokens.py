"""Personal access tokens: the page, the API authentication, read-only scope, expiry, revocation."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api.models import PersonalToken
from api.permissions import TokenScope
from api.services import create_token, revoke_token
from api.views.auth import TokenView
from coop.clock import today_in
from tests.factories import PASSWORD, ProjectFactory, UserFactory

PAGE = "/account/tokens/"
LOGIN = "/api/v1/auth/token/"


def token_for(user, **kwargs) -> tuple[PersonalToken, str]:
    kwargs.setdefault("name", "script")
    return create_token(user=user, **kwargs)


def bearer(api, key: str, keyword: str = "Bearer"):
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return api


@pytest.fixture
def project(cooperative):
    return ProjectFactory(client__cooperative=cooperative)


def log_time(api, member, project):
    return api.post(
        f"/api/v1/coops/{member.cooperative.slug}/time-entries/",
        {"project": project.pk, "date": today_in(member.cooperative).isoformat(), "minutes": 60},
        format="json",
    )


@pytest.mark.django_db
class TestPage:
    def test_requires_login(self, client):
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")

    def test_create_shows_the_key_once_and_stores_only_its_hash(self, client, member):
        client.force_login(member.user)
        response = client.post(PAGE, {"name": "Invoicing", "expires_in": "90"})
        assert response.status_code == 200
        key = response.context["new_key"]
        assert key.startswith("coop_") and len(key) > 40
        page = response.content.decode()
        assert page.count(key) == 1
        assert "shown only this once" in page
        assert "no-store" in response["Cache-Control"]

        token = PersonalToken.objects.get(user=member.user)
        assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert token.key_prefix == key[:12]
        assert all(key not in str(getattr(token, f.attname)) for f in token._meta.fields)
        assert (token.name, token.read_only, token.revoked_at) == ("Invoicing", False, None)
        days = (token.expires_at - token.created_at) / datetime.timedelta(days=1)
        assert days == 90

        again = client.get(PAGE).content.decode()
        assert key not in again
        assert "Invoicing" in again and token.key_prefix in again

    def test_create_read_only_without_expiry(self, client, member):
        client.force_login(member.user)
        client.post(PAGE, {"name": "Dashboard", "read_only": "on", "expires_in": "never"})
        token = PersonalToken.objects.get(user=member.user)
        assert token.read_only is True
        assert token.expires_at is None

    def test_every_input_has_a_label(self, client, member):
        client.force_login(member.user)
        page = client.get(PAGE).content.decode()
        for field_id in ("id_name", "id_read_only", "id_expires_in"):
            assert f'for="{field_id}"' in page
            assert f'id="{field_id}"' in page

    @pytest.mark.parametrize(
        ("payload", "field", "message"),
        [
            ({"name": "", "expires_in": "30"}, "name", "This field is required."),
            ({"name": "x" * 101, "expires_in": "30"}, "name", "at most 100 characters"),
            ({"name": "ok", "expires_in": "7"}, "expires_in", "Select a valid choice"),
        ],
    )
    def test_invalid_form_is_a_400_naming_the_field(self, client, member, payload, field, message):
        client.force_login(member.user)
        response = client.post(PAGE, payload)
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        assert not PersonalToken.objects.exists()

    def test_a_live_name_cannot_be_used_twice_but_a_revoked_one_can(self, client, member):
        client.force_login(member.user)
        token, _ = token_for(member.user, name="CI")
        response = client.post(PAGE, {"name": "CI", "expires_in": "30"})
        assert response.status_code == 400
        assert "You already have a token named “CI”" in response.context["form"].errors["name"][0]
        revoke_token(token=token)
        assert client.post(PAGE, {"name": "CI", "expires_in": "30"}).status_code == 200
        assert PersonalToken.objects.filter(user=member.user, name="CI").count() == 2

    def test_lists_only_my_tokens_with_their_status(self, client, member):
        client.force_login(member.user)
        token_for(member.user, name="Mine, active")
        expired, _ = token_for(member.user, name="Mine, expired", expires_in_days=1)
        PersonalToken.objects.filter(pk=expired.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        revoked, _ = token_for(member.user, name="Mine, revoked")
        revoke_token(token=revoked)
        token_for(UserFactory(), name="Someone else's")
        response = client.get(PAGE)
        statuses = {token.name: token.status for token in response.context["tokens"]}
        assert statuses == {
            "Mine, active": "active",
            "Mine, expired": "expired",
            "Mine, revoked": "revoked",
        }
        assert "Someone else" not in response.content.decode()

    def test_revoke(self, client, api, member):
        client.force_login(member.user)
        token, key = token_for(member.user)
        response = client.post(PAGE, {"revoke": token.pk}, follow=True)
        assert response.redirect_chain == [(PAGE, 302)]
        assert "Token “script” revoked" in response.content.decode()
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert bearer(api, key).get("/api/v1/coops/").status_code == 401

    @pytest.mark.parametrize("pk", ["other", "999999", "abc"])
    def test_cannot_revoke_someone_elses_token(self, client, member, pk):
        client.force_login(member.user)
        theirs, _ = token_for(UserFactory())
        response = client.post(PAGE, {"revoke": str(theirs.pk) if pk == "other" else pk})
        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.revoked_at is None

    def test_the_header_links_to_the_page(self, client, member):
        client.force_login(member.user)
        page = client.get(f"/c/{member.cooperative.slug}/").content.decode()
        assert f'href="{PAGE}"' in page


@pytest.mark.django_db
class TestAuthentication:
    @pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
    def test_both_keywords_work(self, api, member, keyword):
        _, key = token_for(member.user)
        response = bearer(api, key, keyword).get("/api/v1/coops/")
        assert response.status_code == 200
        assert response.json()["results"][0]["slug"] == member.cooperative.slug

    @pytest.mark.parametrize(
        ("header", "code", "fragment"),
        [
            ("Bearer coop_not-a-real-token", "invalid_token", "Invalid token."),
            ("Bearer", "invalid_token", "Invalid token header"),
            ("Bearer two words", "invalid_token", "Invalid token header"),
            ("Basic dXNlcjpwYXNz", "not_authenticated", "credentials were not provided"),
        ],
    )
    def test_bad_headers_are_401(self, api, member, header, code, fragment):
        api.credentials(HTTP_AUTHORIZATION=header)
        response = api.get("/api/v1/coops/")
        assert response.status_code == 401
        body = response.json()
        assert (body["code"], body["errors"]) == (code, {})
        assert fragment in body["detail"]
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'

    def test_revoked_token_is_401(self, api, member):
        token, key = token_for(member.user)
        revoke_token(token=token)
        response = bearer(api, key).get("/api/v1/coops/")
        assert response.status_code == 401
        assert response.json()["code"] == "token_revoked"
        assert "This token was revoked" in response.json()["detail"]

    def test_expired_token_is_401(self, api, member):
        token, key = token_for(member.user, expires_in_days=30)
        assert bearer(api, key).get("/api/v1/coops/").status_code == 200
        PersonalToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
        response = api.get("/api/v1/coops/")
        assert response.status_code == 401
        assert response.json()["code"] == "token_expired"
        assert "This token expired" in response.json()["detail"]

    def test_inactive_user_is_401(self, api, member):
        _, key = token_for(member.user)
        member.user.is_active = False
        member.user.save()
        response = bearer(api, key).get("/api/v1/coops/")
        assert response.status_code == 401
        assert response.json()["code"] == "user_inactive"

    def test_last_used_is_noted_at_most_once_a_minute(self, api, member):
        token, key = token_for(member.user)
        assert token.last_used_at is None
        bearer(api, key).get("/api/v1/coops/")
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None

        recently = timezone.now() - datetime.timedelta(seconds=30)
        PersonalToken.objects.filter(pk=token.pk).update(last_used_at=recently)
        api.get("/api/v1/coops/")
        token.refresh_from_db()
        assert token.last_used_at == recently

        long_ago = timezone.now() - datetime.timedelta(minutes=2)
        PersonalToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
        api.get("/api/v1/coops/")
        token.refresh_from_db()
        assert token.last_used_at > long_ago + datetime.timedelta(minutes=1)

    def test_a_recent_use_costs_no_write(self, api, member):
        _, key = token_for(member.user)
        bearer(api, key).get("/api/v1/coops/")
        with CaptureQueriesContext(connection) as queries:
            api.get("/api/v1/coops/")
        assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


@pytest.mark.django_db
class TestReadOnlyScope:
    @pytest.mark.parametrize("keyword", ["Bearer", "Token"])
    def test_read_only_token_reads_but_gets_403_on_writes(self, api, member, project, keyword):
        _, key = token_for(member.user, read_only=True)
        bearer(api, key, keyword)
        assert api.get(f"/api/v1/coops/{member.cooperative.slug}/time-entries/").status_code == 200
        response = log_time(api, member, project)
        assert response.status_code == 403
        assert response.json() == {
            "detail": "This token is read-only: create a read-write token to change anything.",
            "errors": {},
            "code": "read_only_token",
        }

    def test_read_write_token_writes(self, api, member, project):
        _, key = token_for(member.user)
        response = log_time(bearer(api, key), member, project)
        assert response.status_code == 201, response.json()

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    def test_every_unsafe_method_is_refused(self, api, admin_member, method):
        _, key = token_for(admin_member.user, read_only=True)
        url = f"/api/v1/coops/{admin_member.cooperative.slug}/"
        response = getattr(bearer(api, key), method)(url, {}, format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "read_only_token"

    def test_a_session_is_not_limited(self, api, member, project):
        api.force_login(member.user)
        # Session writes need the CSRF token; the APIClient skips that check.
        assert log_time(api, member, project).status_code == 201

    def test_every_api_view_checks_the_token_scope(self):
        """A view that sets its own permission_classes must keep TokenScope in them."""

        def views(patterns):
            for pattern in patterns:
                if isinstance(pattern, URLResolver):
                    yield from views(pattern.url_patterns)
                elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                    yield pattern.callback.cls

        api_views = set(views(get_resolver().url_patterns)) - {TokenView}
        assert len(api_views) > 10
        missing = [
            view.__name__
            for view in api_views
            if TokenScope not in getattr(view, "permission_classes", [])
            and view.__module__.startswith("api.")
        ]
        assert missing == []


@pytest.mark.django_db
class TestLoginEndpoint:
    def login(self, api, user):
        response = api.post(LOGIN, {"email": user.email, "password": PASSWORD}, format="json")
        assert response.status_code == 200
        return response.json()["token"]

    def test_each_login_is_a_named_read_write_token(self, api, member):
        first = self.login(api, member.user)
        second = self.login(api, member.user)
        assert first != second
        tokens = PersonalToken.objects.filter(user=member.user)
        assert tokens.count() == 2
        assert all(t.name.startswith("API login ") and not t.read_only for t in tokens)
        assert len({t.name for t in tokens}) == 2

    def test_a_login_token_expires_after_the_setting(self, api, member, clock, settings):
        clock.set(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC))
        response = api.post(LOGIN, {"email": member.user.email, "password": PASSWORD})
        assert response.json()["expires_at"] == "2026-03-31T09:00:00Z"
        token = PersonalToken.objects.get(user=member.user)
        assert token.expires_at - token.created_at == datetime.timedelta(days=30)
        clock.advance(datetime.timedelta(days=30, seconds=1))
        refused = bearer(api, response.json()["token"]).get("/api/v1/coops/")
        assert refused.json()["code"] == "token_expired"

        settings.API_LOGIN_TOKEN_DAYS = 2
        api.credentials()
        key = self.login(api, member.user)
        token = PersonalToken.objects.get(key_hash=hashlib.sha256(key.encode()).hexdigest())
        assert token.expires_at - token.created_at == datetime.timedelta(days=2)

    def test_a_named_login_replaces_the_scripts_token(self, api, member, clock):
        clock.set(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC))
        body = {"email": member.user.email, "password": PASSWORD, "name": "nightly backup"}
        first = api.post(LOGIN, body).json()
        assert first["name"] == "nightly backup"
        clock.advance(datetime.timedelta(days=40))  # the first has expired: the name is free
        second = api.post(LOGIN, body).json()
        third = api.post(LOGIN, body).json()
        live = PersonalToken.objects.live().filter(user=member.user)
        assert [t.name for t in live] == ["nightly backup"]
        assert PersonalToken.objects.filter(user=member.user).count() == 3
        assert bearer(api, second["token"]).get("/api/v1/coops/").json()["code"] == "token_revoked"
        assert bearer(api, third["token"]).get("/api/v1/coops/").status_code == 200
        assert third["expires_at"].startswith("2026-05-10")

    def test_delete_revokes_only_the_token_used(self, api, member, project):
        _, other_key = token_for(member.user, name="kept")
        key = self.login(api, member.user)
        assert log_time(bearer(api, key), member, project).status_code == 201
        assert api.delete(LOGIN).status_code == 204
        assert api.get("/api/v1/coops/").json()["code"] == "token_revoked"
        assert bearer(api, other_key).get("/api/v1/coops/").status_code == 200

    def test_a_read_only_token_may_revoke_itself(self, api, member):
        token, key = token_for(member.user, read_only=True)
        assert bearer(api, key).delete(LOGIN).status_code == 204
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_delete_without_a_token_is_401(self, api):
        response = api.delete(LOGIN)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
class TestAdmin:
    def test_list_never_shows_the_hash_and_revokes(self, admin_client, member):
        token, key = token_for(member.user)
        page = admin_client.get("/admin/api/personaltoken/")
        assert page.status_code == 200
        assert token.key_prefix in page.content.decode()
        assert token.key_hash not in page.content.decode()
        detail = admin_client.get(f"/admin/api/personaltoken/{token.pk}/change/")
        assert detail.status_code == 200
        assert token.key_hash not in detail.content.decode()

        response = admin_client.post(
            "/admin/api/personaltoken/",
            {"action": "revoke_selected", "_selected_action": [token.pk]},
            follow=True,
        )
        assert "1 token revoked." in response.content.decode()
        token.refresh_from_db()
        assert token.revoked_at is not None
