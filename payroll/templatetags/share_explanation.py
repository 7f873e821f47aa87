"""Template filter for the explanation of a share, written in the reader's language."""

from django import template

from payroll.explanation import explain_line

register = template.Library()


@register.filter
def explained(line, currency: str) -> str:
    """A distribution line's explanation in words (empty for a line without one)."""
    return " ".join(explain_line(line.explanation or {}, currency))
