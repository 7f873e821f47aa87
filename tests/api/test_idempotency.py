"""Idempotency keys on the POSTs that move money or cast votes: a retry acts once."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.idempotency import purge_expired, stored_key
from api.models import IdempotencyRecord
from api.tasks import purge_idempotency_keys
from governance.models import VoterRoll
from payroll.models import Expense, Revenue
from tests.conftest import as_member
from tests.factories import ClientFactory, MemberFactory
from tests.governance.ballot_boxes import unsealed

KEY = "3f1c9a52-7d2e-4b8e-9a6b-2f0c1d5e8a47"


def url(member, path):
    return f"/api/v1/coops/{member.cooperative.slug}/{path}"


@pytest.fixture
def revenue_payload(treasurer):
    client = ClientFactory(cooperative=treasurer.cooperative)
    return {"client": client.pk, "amount": "1250.50", "received_on": "2026-10-03"}


def post(api, member, path, payload, key=KEY, **extra):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return as_member(api, member).post(
        url(member, path), payload, format="json", **headers, **extra
    )


@pytest.mark.django_db
class TestRetries:
    def test_a_retried_secret_vote_gets_the_same_receipt_and_casts_one_ballot(
        self, api, make_proposal
    ):
        voter, colleague = MemberFactory.create_batch(2)
        colleague.cooperative = voter.cooperative
        colleague.save()
        proposal = make_proposal(voter, secret=True, allow_early_close=False)
        first = post(api, voter, f"proposals/{proposal.pk}/vote/", {"choice": "agree"})
        assert first.status_code == 200, first.json()
        assert first.json()["receipt"]
        assert "Idempotent-Replayed" not in first.headers

        retry = post(api, voter, f"proposals/{proposal.pk}/vote/", {"choice": "agree"})
        assert retry.status_code == 200
        assert retry.json() == first.json()
        assert retry.headers["Idempotent-Replayed"] == "true"
        assert VoterRoll.objects.filter(proposal=proposal).count() == 1
        assert len(unsealed(proposal)) == 1
        # The database links the voter to the request, never to the receipt: the stored answer
        # is sealed under the Idempotency-Key, which is kept as a hash only.
        stored = IdempotencyRecord.objects.get(user=voter.user)
        row = " ".join(str(value) for value in stored.__dict__.values())
        assert first.json()["receipt"] not in row and KEY not in row
        assert stored.key == stored_key(KEY)

    def test_a_retried_revenue_post_records_one_payment(self, api, treasurer, revenue_payload):
        first = post(api, treasurer, "revenue/", revenue_payload)
        assert first.status_code == 201, first.json()
        retry = post(api, treasurer, "revenue/", revenue_payload)
        assert retry.status_code == 201
        assert retry.json() == first.json()
        assert retry.headers["Idempotent-Replayed"] == "true"
        assert Revenue.objects.filter(cooperative=treasurer.cooperative).count() == 1

    def test_key_order_and_spacing_of_the_json_body_do_not_matter(
        self, api, treasurer, revenue_payload
    ):
        assert post(api, treasurer, "revenue/", revenue_payload).status_code == 201
        reordered = json.dumps(dict(reversed(revenue_payload.items())), indent=2)
        retry = as_member(api, treasurer).post(
            url(treasurer, "revenue/"),
            reordered,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=KEY,
        )
        assert retry.status_code == 201
        assert retry.headers["Idempotent-Replayed"] == "true"
        assert Revenue.objects.count() == 1

    def test_a_4xx_first_answer_is_replayed_too(self, api, treasurer, revenue_payload):
        payload = {**revenue_payload, "amount": "0"}
        first = post(api, treasurer, "revenue/", payload)
        assert first.status_code == 400
        retry = post(api, treasurer, "revenue/", payload)
        assert retry.status_code == 400
        assert retry.json() == first.json()
        assert retry.json()["code"] == "invalid"
        assert retry.headers["Idempotent-Replayed"] == "true"

    def test_without_a_key_every_post_acts(self, api, treasurer, revenue_payload):
        for _ in range(2):
            response = post(api, treasurer, "revenue/", revenue_payload, key=None)
            assert response.status_code == 201
            assert "Idempotent-Replayed" not in response.headers
        assert Revenue.objects.count() == 2
        assert not IdempotencyRecord.objects.exists()

    def test_two_users_may_use_the_same_key(self, api, treasurer, revenue_payload):
        other = MemberFactory(cooperative=treasurer.cooperative, is_treasurer=True)
        assert post(api, treasurer, "revenue/", revenue_payload).status_code == 201
        theirs = post(api, other, "revenue/", revenue_payload)
        assert theirs.status_code == 201
        assert "Idempotent-Replayed" not in theirs.headers
        assert Revenue.objects.count() == 2

    def test_a_new_key_acts_again(self, api, treasurer, revenue_payload):
        assert post(api, treasurer, "revenue/", revenue_payload, key="first").status_code == 201
        assert post(api, treasurer, "revenue/", revenue_payload, key="second").status_code == 201
        assert Revenue.objects.count() == 2


@pytest.mark.django_db
class TestErrors:
    def test_the_same_key_with_another_body_is_a_422(self, api, treasurer, revenue_payload):
        assert post(api, treasurer, "revenue/", revenue_payload).status_code == 201
        response = post(api, treasurer, "revenue/", {**revenue_payload, "amount": "99.00"})
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "idempotency_key_reused"
        assert "already used for another request" in body["detail"]
        assert body["errors"] == {}
        assert Revenue.objects.count() == 1

    def test_the_same_key_and_body_with_another_query_string_is_a_422(
        self, api, treasurer, revenue_payload
    ):
        assert post(api, treasurer, "revenue/", revenue_payload).status_code == 201
        response = post(api, treasurer, "revenue/?dry_run=1", revenue_payload)
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert "Idempotent-Replayed" not in response
        assert Revenue.objects.count() == 1

    def test_the_order_of_query_parameters_does_not_matter(self, api, treasurer, revenue_payload):
        first = post(api, treasurer, "revenue/?a=1&b=2", revenue_payload)
        assert first.status_code == 201
        retry = post(api, treasurer, "revenue/?b=2&a=1", revenue_payload)
        assert retry.status_code == 201
        assert retry["Idempotent-Replayed"] == "true"
        assert Revenue.objects.count() == 1

    def test_the_same_key_on_another_path_is_a_422(self, api, treasurer, revenue_payload):
        assert post(api, treasurer, "revenue/", revenue_payload).status_code == 201
        response = post(api, treasurer, "expenses/", revenue_payload)
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"

    @pytest.mark.parametrize("key", ["k" * 256, "", "clé-unicode", "tab\there"])
    def test_a_bad_key_is_a_400_naming_the_header(self, api, treasurer, revenue_payload, key):
        response = post(api, treasurer, "revenue/", revenue_payload, key=key)
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert body["errors"] == {
            "Idempotency-Key": ["Give 1 to 255 printable ASCII characters (a UUID will do)."]
        }
        assert not Revenue.objects.exists()

    def test_a_key_of_300_characters_is_a_400(self, api, treasurer, revenue_payload):
        response = post(api, treasurer, "revenue/", revenue_payload, key="x" * 300)
        assert response.status_code == 400
        assert response.json()["detail"].startswith("Idempotency-Key: ")

    def test_a_key_of_255_characters_is_fine(self, api, treasurer, revenue_payload):
        assert post(api, treasurer, "revenue/", revenue_payload, key="x" * 255).status_code == 201

    def test_a_retry_while_the_first_is_in_progress_is_a_409(self, api, treasurer, revenue_payload):
        # What a concurrent retry finds: the first request's pending record, not yet answered.
        first = post(api, treasurer, "revenue/", revenue_payload)
        IdempotencyRecord.objects.filter(key=stored_key(KEY)).update(
            status_code=None, response_body=""
        )
        response = post(api, treasurer, "revenue/", revenue_payload)
        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_key_in_progress"
        assert response.json()["detail"] == (
            "A request with this key is in progress: retry when it has been answered."
        )
        assert first.status_code == 201
        assert Revenue.objects.count() == 1


@pytest.mark.django_db
class TestActions:
    def test_expense_approval_retried(self, api, treasurer):
        created = post(
            api,
            treasurer,
            "expenses/",
            {"category": "Hosting", "amount": "40.00", "date": "2026-10-02", "payee": "Host"},
            key=None,
        )
        assert created.status_code == 201, created.json()
        path = f"expenses/{created.json()['id']}/approve/"
        first = post(api, treasurer, path, None)
        assert first.status_code == 200, first.json()
        retry = post(api, treasurer, path, None)
        assert retry.status_code == 200
        assert retry.headers["Idempotent-Replayed"] == "true"
        # Without the key the second approval is a conflict: the replay did not act.
        assert post(api, treasurer, path, None, key="another").status_code == 409

    def test_capital_entries_get_ignores_the_key(self, api, treasurer):
        response = as_member(api, treasurer).get(
            url(treasurer, "capital-accounts/entries/"), HTTP_IDEMPOTENCY_KEY=KEY
        )
        assert response.status_code == 200
        assert not IdempotencyRecord.objects.exists()

    def test_a_post_without_the_decorator_ignores_the_key(self, api, member):
        response = post(api, member, "proposals/", {}, key="x" * 300)
        assert response.status_code == 400
        assert "Idempotency-Key" not in response.json()["errors"]
        assert not IdempotencyRecord.objects.exists()

    def test_an_expense_with_a_receipt_is_matched_by_its_fields_and_file(self, api, treasurer):
        def send(content: bytes):
            receipt = SimpleUploadedFile("receipt.pdf", content, content_type="application/pdf")
            fields = {"category": "Hosting", "amount": "40.00", "date": "2026-10-02"}
            return as_member(api, treasurer).post(
                url(treasurer, "expenses/"),
                {**fields, "payee": "Host", "receipt": receipt},
                format="multipart",
                HTTP_IDEMPOTENCY_KEY=KEY,
            )

        assert send(b"%PDF-1.4 one").status_code == 201
        retry = send(b"%PDF-1.4 one")
        assert retry.status_code == 201
        assert retry.headers["Idempotent-Replayed"] == "true"
        assert send(b"%PDF-1.4 another").status_code == 422
        assert Expense.objects.count() == 1


@pytest.mark.django_db
def test_a_server_error_gives_the_key_back(api, treasurer, revenue_payload, monkeypatch):
    from payroll.services import money_in

    record_revenue = money_in.record_revenue

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(money_in, "record_revenue", broken)
    with pytest.raises(RuntimeError):
        post(api, treasurer, "revenue/", revenue_payload)
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.setattr(money_in, "record_revenue", record_revenue)
    retry = post(api, treasurer, "revenue/", revenue_payload)
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry.headers
    assert Revenue.objects.count() == 1


@pytest.mark.django_db
def test_keys_expire_after_a_day(api, treasurer, revenue_payload):
    assert post(api, treasurer, "revenue/", revenue_payload).status_code == 201
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    # An expired key that the purge has not reached yet is a new key.
    again = post(api, treasurer, "revenue/", revenue_payload)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert Revenue.objects.count() == 2
    assert purge_expired() == 0
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert purge_idempotency_keys.delay().get() == 1
    assert not IdempotencyRecord.objects.exists()
