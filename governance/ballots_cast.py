"""What a cast knows of the roll after it: whether it completed it (an early close)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BallotsCast:
    """One cast: whether it added a ballot (a changed open ballot adds none), and how many
    ballots (or, for a secret vote, voters on the roll) there were before it, read under the
    proposal's lock, which every cast holds. Counted only where the proposal may close early;
    0 elsewhere."""

    added: bool
    before: int

    def completes_roll(self, eligible_count: int) -> bool:
        """Whether the ballots now cast reach the eligible count, as `everyone_voted` counts
        them, and this cast is the one that got there."""
        return self.added and self.before + 1 >= eligible_count
