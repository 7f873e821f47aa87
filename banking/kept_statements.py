"""A statement file the upload page has previewed, kept on the server until it is confirmed.

As the hours import does (`coop.hours.kept_imports`): the upload's bytes stay under
`MEDIA_ROOT/bank-imports/` and the confirm form carries a token, signed for the treasurer who
uploaded, that names the file; nothing of the file travels back in the page (a statement may be
up to `banking.importing.MAX_IMPORT_BYTES`). A kept file lives `KEEP_FOR`; it is deleted once
imported, and expired ones whenever another file is kept.
"""

import datetime
import secrets
from typing import IO

from django.core import signing
from django.core.files.storage import default_storage

from coop import clock
from coop.models import Member

FOLDER = "bank-imports"
KEEP_FOR = datetime.timedelta(hours=1)
_SALT = "banking.kept_statements"


def keep(
    member: Member,
    upload: IO[bytes],
    filename: str,
    format: str = "",
    account: int | None = None,
    closing_balance: str = "",
) -> str:
    """Store the file; return the token that finds it again (with the chosen format, account
    and closing balance), for this member only."""
    _remove_expired()
    stamp = int(clock.now().timestamp())
    upload.seek(0)
    name = default_storage.save(f"{FOLDER}/{stamp}-{secrets.token_hex(16)}.statement", upload)
    return signing.dumps(
        {
            "file": name,
            "member": member.pk,
            "name": filename[:200],
            "format": format,
            "account": account,
            "closing_balance": closing_balance,
        },
        salt=_SALT,
        compress=True,
    )


def kept(member: Member, token: str) -> dict | None:
    """What the token names (`file`: the stored name to open with `default_storage`, `name`,
    `format`, `account`), or None if it is not this member's, was tampered with, or expired."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=KEEP_FOR)
    except signing.BadSignature:  # expired (SignatureExpired) included
        return None
    file = value.get("file", "")
    if value.get("member") != member.pk or not file.startswith(f"{FOLDER}/"):
        return None
    if "/" in file[len(FOLDER) + 1 :] or not default_storage.exists(file):
        return None
    return value


def forget(member: Member, token: str) -> None:
    value = kept(member, token)
    if value is not None:
        default_storage.delete(value["file"])


def _remove_expired() -> None:
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    oldest = (clock.now() - KEEP_FOR).timestamp()
    for file in files:
        stamp = file.split("-", 1)[0]
        if not stamp.isdigit() or int(stamp) < oldest:
            default_storage.delete(f"{FOLDER}/{file}")
