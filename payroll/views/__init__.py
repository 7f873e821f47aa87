"""Web pages of the co-op's money, one module per part: `month` (revenue and expenses),
`distributions` (runs and the treasurer's buttons), `files` (payslips, report, payment files),
`policies`, `capital` (statements and capital accounts); `access` is what each asks first.

Every member reads, the treasurer writes through the services. Refusals: a member who is not
the treasurer gets 403 on every write; a file that holds other members' bank details answers
404 to them. A rule of the services that refuses a button (409-type: a locked month, a draft
already approved) comes back as a flash message on the page; a refused form is shown again
with the message next to the field (400, or 409 for a conflict).
"""
