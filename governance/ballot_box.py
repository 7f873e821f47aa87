"""The sealed ballot box of a secret vote: ballots encrypted to a key that the database never holds.

While a secret vote is open, each ballot (with the hash of its receipt code) is padded to one size
and sealed (libsodium's sealed box: X25519 + XSalsa20-Poly1305, through PyNaCl) to the proposal's
public key. The private key is derived, whenever it is needed, from the `BALLOT_SECRET` setting
and the proposal's id and salt, with keyed BLAKE2b; it is never stored. All the sealed ballots of
a proposal live in one value, reshuffled on every cast, so neither the order of rows nor the order
inside the value says who cast which; every sealed ballot has the same length, so neither does its
size. At close the box is opened, the ballots are shuffled once more and written in the clear (they
are published anyway), and the box is deleted. docs/governance.md states the threat model.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nacl.encoding import RawEncoder
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox

# A sealed box adds an ephemeral public key (32 bytes) and a MAC (16 bytes) to the plaintext.
SEAL_OVERHEAD = 48
# How many bytes of JSON a secret ballot's reason may take: every ballot of the proposal is padded
# to the size of the largest possible ballot, so the allowance bounds the box's size.
REASON_BYTES = 2000
_PERSON = b"cooperage-ballot"  # BLAKE2b personalization: keys for nothing but ballot boxes
PADDING_BLOCK = 256

Shuffle = Callable[[list[Any]], None]
system_shuffle: Shuffle = secrets.SystemRandom().shuffle


class BallotTooLarge(ValueError):
    """The ballot does not fit the proposal's fixed ballot size (a very long reason)."""


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def record_size(method: str, options: Sequence[str]) -> int:
    """The one plaintext size of every ballot of a proposal: its largest ballot, padded up."""
    if method == "approval":
        largest: dict[str, Any] = {"approve": list(options)}
    elif method == "score":
        largest = {"scores": {option: 5 for option in options}}
    elif method == "single_choice":
        largest = {"option": max(options, key=lambda option: len(_dumps(option)), default="")}
    elif method in ("schulze", "irv", "stv"):
        largest = {"ranking": list(options)}
    else:
        largest = {"choice": "disagree", "reason": "x" * REASON_BYTES}
    size = len(_dumps({"ballot": largest, "receipt": "0" * 64}))
    return -(-size // PADDING_BLOCK) * PADDING_BLOCK


def fitting_size(ballot: Mapping[str, Any], receipt_hash: str) -> int:
    """The padded size that fits this ballot (for ballots cast before boxes had a fixed size)."""
    size = len(_dumps({"ballot": ballot, "receipt": receipt_hash}))
    return -(-size // PADDING_BLOCK) * PADDING_BLOCK


def private_key(secret: str, proposal_id: int, salt: bytes) -> PrivateKey:
    """The proposal's private key: keyed BLAKE2b of its id and salt under the server's secret."""
    master = blake2b(secret.encode(), digest_size=64, person=_PERSON, encoder=RawEncoder)
    seed = blake2b(
        b"proposal:%d:" % proposal_id + salt,
        key=master,
        digest_size=32,
        person=_PERSON,
        encoder=RawEncoder,
    )
    return PrivateKey(seed)


def public_key(secret: str, proposal_id: int, salt: bytes) -> PublicKey:
    return private_key(secret, proposal_id, salt).public_key


def seal(key: PublicKey, size: int, ballot: Mapping[str, Any], receipt_hash: str) -> bytes:
    """One sealed ballot of exactly `size + SEAL_OVERHEAD` bytes (JSON ignores the padding)."""
    plain = _dumps({"ballot": ballot, "receipt": receipt_hash})
    if len(plain) > size:
        raise BallotTooLarge(size)
    return SealedBox(key).encrypt(plain.ljust(size, b" "), encoder=RawEncoder)


def add(box: bytes, sealed: bytes, record_length: int, shuffle: Shuffle = system_shuffle) -> bytes:
    """The box with one more sealed ballot, its ballots in a new random order."""
    records = split(box, record_length)
    records.append(sealed)
    shuffle(records)
    return b"".join(records)


def split(box: bytes, record_length: int) -> list[bytes]:
    if len(box) % record_length:
        raise ValueError("the ballot box is damaged: its length is not a whole number of ballots")
    return [box[start : start + record_length] for start in range(0, len(box), record_length)]


def open_box(
    key: PrivateKey, box: bytes, record_length: int, shuffle: Shuffle = system_shuffle
) -> list[tuple[dict[str, Any], str]]:
    """Every (ballot, receipt hash) in the box, in a random order."""
    unsealer = SealedBox(key)
    ballots = []
    for record in split(box, record_length):
        plain = json.loads(unsealer.decrypt(record, encoder=RawEncoder))
        ballots.append((plain["ballot"], plain["receipt"]))
    shuffle(ballots)
    return ballots
