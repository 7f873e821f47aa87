"""Reading a secret vote's sealed ballot box in tests, as only the holder of BALLOT_SECRET can."""

from django.conf import settings

from governance import ballot_box
from governance.models import Proposal, SealedBallotBox


def unsealed(proposal: Proposal) -> list[tuple[dict, str]]:
    """The (ballot, receipt hash) pairs sealed in the proposal's box so far."""
    box = SealedBallotBox.objects.get(proposal=proposal)
    key = ballot_box.private_key(settings.BALLOT_SECRET, proposal.pk, bytes(box.salt))
    length = box.record_size + ballot_box.SEAL_OVERHEAD
    return ballot_box.open_box(key, bytes(box.ballots), length)
