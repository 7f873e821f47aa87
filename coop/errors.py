"""Domain errors raised by services; the API maps them to 400, 403 and 409 answers."""


class DomainError(Exception):
    """A rule of the co-op refused the change. `code` is stable and machine-readable."""

    code = "error"
    status = 400  # the HTTP status a page or the API answers with

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        # A message is a sentence, even one that starts with a month Spanish writes in lower
        # case: "Octubre de 2026 está cerrado".
        message = message[:1].upper() + message[1:]
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(DomainError):
    """The request itself is wrong (a 400): `field` names what to fix."""

    code = "invalid"


class InvalidInputs(InvalidInput):
    """Several fields are wrong at once: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=field)
        self.errors = errors


class NotAllowed(DomainError):
    """The member may not do this (a 403)."""

    code = "permission_denied"
    status = 403


class StateConflict(DomainError):
    """The change conflicts with the current state of things (a 409)."""

    code = "conflict"
    status = 409


class PeriodLocked(StateConflict):
    """Hours of a month covered by an approved distribution cannot change."""

    code = "period_locked"


class AmountTooLarge(StateConflict):
    """An amount, or a sum the books store (a month's revenue, a capital balance), would exceed
    the largest amount they hold (`coop.money.MAX_AMOUNT`)."""

    code = "amount_too_large"
