"""Vote tallies as pure functions (no Django): choice methods, approval, score, Schulze, IRV,
STV, quorum, delegation and the published ballot file. docs/governance.md explains each rule."""

from governance.methods.ballot_file import (
    BallotFileError,
    tally,
    tally_ballot_file,
    tally_grouped,
    validate_ballot,
)
from governance.methods.exact import format_fraction, parse_fraction

__all__ = [
    "BallotFileError",
    "format_fraction",
    "parse_fraction",
    "tally",
    "tally_ballot_file",
    "tally_grouped",
    "validate_ballot",
]
