"""Template filter for the explanation of a share, written in the reader's language."""

from django import template

from payroll.explanation import explain_line, share_of_pool

register = template.Library()


@register.filter
def explained(line, currency: str) -> str:
    """A distribution line's explanation in words (empty for a line without one)."""
    return " ".join(explain_line(line.explanation or {}, currency))


@register.filter
def pool_fraction(fraction: str) -> str:
    """A line's fraction of the member pool in percent and words ("57.14 % of the member pool
    (4 of 7)"), as the payslip writes it."""
    return share_of_pool(fraction)
