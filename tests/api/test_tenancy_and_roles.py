"""Tenant isolation (404 for another co-op's objects) and role permissions."""

import pytest

from coop.models import Member
from tests.conftest import as_member
from tests.factories import ClientFactory, MemberFactory, ProjectFactory


@pytest.fixture
def other_coop_objects(outsider):
    client = ClientFactory(cooperative=outsider.cooperative)
    project = ProjectFactory(client=client)
    return outsider, client, project


@pytest.mark.django_db
def test_a_member_of_another_coop_gets_404_everywhere(api, member, other_coop_objects):
    outsider, client, project = other_coop_objects
    slug = outsider.cooperative.slug
    api = as_member(api, member)
    for url in [
        f"/api/v1/coops/{slug}/",
        f"/api/v1/coops/{slug}/members/",
        f"/api/v1/coops/{slug}/members/{outsider.pk}/",
        f"/api/v1/coops/{slug}/clients/",
        f"/api/v1/coops/{slug}/clients/{client.pk}/",
        f"/api/v1/coops/{slug}/projects/{project.pk}/",
    ]:
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert api.post(f"/api/v1/coops/{slug}/clients/", {"name": "X"}).status_code == 404
    assert api.patch(f"/api/v1/coops/{slug}/", {"name": "Mine"}).status_code == 404


@pytest.mark.django_db
def test_another_coops_object_through_my_coop_is_404(api, admin_member, other_coop_objects):
    outsider, client, project = other_coop_objects
    slug = admin_member.cooperative.slug
    api = as_member(api, admin_member)
    assert api.get(f"/api/v1/coops/{slug}/members/{outsider.pk}/").status_code == 404
    assert api.get(f"/api/v1/coops/{slug}/clients/{client.pk}/").status_code == 404
    response = api.post(
        f"/api/v1/coops/{slug}/projects/", {"name": "Sneaky", "client": client.pk}, format="json"
    )
    assert response.status_code == 400
    assert "client" in response.json()["errors"]


@pytest.mark.django_db
def test_coop_list_shows_only_my_coops(api, member, outsider):
    response = as_member(api, member).get("/api/v1/coops/")
    assert [c["slug"] for c in response.json()["results"]] == [member.cooperative.slug]


@pytest.mark.django_db
def test_departed_members_lose_access(api, member):
    member.status = Member.Status.DEPARTED
    member.save()
    assert (
        as_member(api, member).get(f"/api/v1/coops/{member.cooperative.slug}/").status_code == 404
    )


@pytest.mark.django_db
def test_only_admins_add_members(api, member, admin_member):
    url = f"/api/v1/coops/{member.cooperative.slug}/members/"
    payload = {"email": "new@example.coop", "full_name": "New Person", "roles": ["secretary"]}
    response = as_member(api, member).post(url, payload, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    response = as_member(api, admin_member).post(url, payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["roles"] == ["secretary"]
    assert response.json()["status"] == "applicant"
    again = as_member(api, admin_member).post(url, payload, format="json")
    assert again.status_code == 409
    assert "already a member" in again.json()["detail"]


@pytest.mark.django_db
def test_only_admins_change_roles_and_status(api, member, admin_member):
    base = f"/api/v1/coops/{member.cooperative.slug}/members/{member.pk}/"
    assert (
        as_member(api, member).patch(base, {"roles": ["admin"]}, format="json").status_code == 403
    )
    response = as_member(api, admin_member).patch(base, {"roles": ["treasurer"]}, format="json")
    assert response.status_code == 200
    assert response.json()["roles"] == ["treasurer"]
    status = as_member(api, member).post(base + "status/", {"status": "on_leave"}, format="json")
    assert status.status_code == 403
    status = as_member(api, admin_member).post(
        base + "status/", {"status": "on_leave"}, format="json"
    )
    assert status.status_code == 200
    assert status.json()["status"] == "on_leave"
    bad = as_member(api, admin_member).post(base + "status/", {"status": "retired"}, format="json")
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


@pytest.mark.django_db
def test_status_cannot_be_patched_directly(api, admin_member, member):
    base = f"/api/v1/coops/{member.cooperative.slug}/members/{member.pk}/"
    response = as_member(api, admin_member).patch(base, {"status": "active"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.django_db
def test_last_admin_cannot_drop_the_role(api, admin_member):
    base = f"/api/v1/coops/{admin_member.cooperative.slug}/members/{admin_member.pk}/"
    response = as_member(api, admin_member).patch(base, {"roles": []}, format="json")
    assert response.status_code == 409
    assert "last admin" in response.json()["detail"]


@pytest.mark.django_db
def test_bank_details_are_visible_to_self_and_treasurer_only(api, member, treasurer):
    member.iban = "DE89370400440532013000"
    member.save()
    url = f"/api/v1/coops/{member.cooperative.slug}/members/{member.pk}/"
    colleague = MemberFactory(cooperative=member.cooperative)
    assert "iban" not in as_member(api, colleague).get(url).json()
    assert as_member(api, member).get(url).json()["iban"] == "DE89370400440532013000"
    assert as_member(api, treasurer).get(url).json()["iban"] == "DE89370400440532013000"


@pytest.mark.django_db
def test_clients_and_projects_are_managed_by_admins_and_treasurers(api, member, treasurer):
    slug = member.cooperative.slug
    response = as_member(api, member).post(f"/api/v1/coops/{slug}/clients/", {"name": "Acme"})
    assert response.status_code == 403
    response = as_member(api, treasurer).post(
        f"/api/v1/coops/{slug}/clients/", {"name": "Acme"}, format="json"
    )
    assert response.status_code == 201
    client_id = response.json()["id"]
    dup = as_member(api, treasurer).post(
        f"/api/v1/coops/{slug}/clients/", {"name": "acme"}, format="json"
    )
    assert dup.status_code == 409
    project = as_member(api, treasurer).post(
        f"/api/v1/coops/{slug}/projects/",
        {"name": "Portal", "client": client_id, "budget_hours": "120.5"},
        format="json",
    )
    assert project.status_code == 201, project.json()
    assert project.json()["client_name"] == "Acme"
    listing = as_member(api, member).get(f"/api/v1/coops/{slug}/projects/?active=true")
    assert [p["name"] for p in listing.json()["results"]] == ["Portal"]
    bad = as_member(api, treasurer).post(
        f"/api/v1/coops/{slug}/projects/",
        {"name": "Neg", "client": client_id, "budget_hours": "-1"},
        format="json",
    )
    assert bad.status_code == 400
    assert "budget_hours" in bad.json()["errors"]


@pytest.mark.django_db
def test_member_list_costs_fixed_queries(api, admin_member, django_assert_max_num_queries):
    for _ in range(30):
        MemberFactory(cooperative=admin_member.cooperative)
    api = as_member(api, admin_member)
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/coops/{admin_member.cooperative.slug}/members/")
    assert response.json()["count"] == 31
