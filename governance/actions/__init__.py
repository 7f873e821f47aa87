"""Executable decisions: what a passed proposal carries out when it closes.

`registry` keeps the actions by name, guards them (kind and bylaws floors) and validates
drafted payloads; governance's own actions are in `membership` (admit, change status, change
roles) and `bylaws` (amend the bylaws settings); payroll registers its own from
`payroll/proposal_actions.py`. Each registers in its app's `AppConfig.ready()`.
"""
