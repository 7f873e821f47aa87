"""Field builders every app's models share."""

from typing import Any

from django.db import models


def money_field(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField:
    """An amount in the co-op's currency: DECIMAL(14, 2), whose largest value `coop.money`
    guards (`MAX_AMOUNT`)."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)
