"""Web pages of governance, one module per part: `proposals` (list, drafting, state changes),
`voting` (the proposal's page, ballots, comments, turnout), `records` (ballot file, minutes,
register), `delegations` (delegations and the calendar feed); `access` is what each asks first.

Refusals of the services never become a 500: bad input is shown on the form next to the field
it names (400); a conflict with the state of things comes back as a flash message.
"""
