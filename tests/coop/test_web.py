"""Web login with e-mail and password, password reset by e-mail, logout, pages scoped to members."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, MemberFactory


@pytest.mark.django_db
def test_login_with_email_and_see_my_coop(client, member):
    response = client.post(
        "/login/", {"username": member.user.email.upper(), "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert member.cooperative.name in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_shows_the_form_again(client, member):
    response = client.post("/login/", {"username": member.user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


@pytest.mark.django_db
def test_pages_need_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_another_coops_pages_are_404(client, member, outsider):
    client.force_login(member.user)
    assert client.get(f"/c/{outsider.cooperative.slug}/").status_code == 404
    assert client.get(f"/c/{outsider.cooperative.slug}/members/").status_code == 404


@pytest.mark.django_db
def test_member_directory_lists_colleagues(client, member):
    colleague = MemberFactory(cooperative=member.cooperative, is_treasurer=True)
    client.force_login(member.user)
    page = client.get(f"/c/{member.cooperative.slug}/members/").content.decode()
    assert colleague.user.email in page
    assert "treasurer" in page


@pytest.mark.django_db
def test_password_reset_by_email_then_login(client, member):
    response = client.post("/password-reset/", {"email": member.user.email}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new_password = "a much longer new passphrase 2026"
    done = client.post(
        set_url, {"new_password1": new_password, "new_password2": new_password}, follow=True
    )
    assert "Your password is set" in done.content.decode()
    client.logout()
    # Through the login page: Client.login() calls authenticate() without the request that
    # the login lockout (django-axes) needs.
    login = client.post("/login/", {"username": member.user.email, "password": new_password})
    assert login.status_code == 302


@pytest.mark.django_db
def test_weak_passwords_are_refused(client, member):
    client.force_login(member.user)
    response = client.post(
        "/password-change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "This password is too common" in response.content.decode()


@pytest.mark.django_db
def test_logout(client, member):
    client.force_login(member.user)
    client.post("/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_admin_and_api_docs_render(admin_client):
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.get("/admin/coop/auditevent/").status_code == 200
    assert admin_client.get("/api/v1/docs/").status_code == 200
    schema = admin_client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/coops/{coop_slug}/members/" in schema.content
