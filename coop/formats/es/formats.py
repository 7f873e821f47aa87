"""Spanish numbers as the co-ops write them: 12.345,67 (CLDR's es and Django's es_AR).

Django's es locale groups thousands with a non-breaking space (the RAE's recommendation); the
co-ops, their banks and spreadsheets write a period. Every other Spanish format is Django's.
"""

THOUSAND_SEPARATOR = "."
