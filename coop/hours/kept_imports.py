"""A CSV export that the import page has read, kept on the server for the next step.

After a dry run (or an import refused for its rows) the member presses Import without choosing
the file again: the page keeps the upload's bytes under `MEDIA_ROOT/hour-imports/` and gives the
form a token, signed for that member, that names the file. Nothing of the file travels back in
the page: an export may be up to `MAX_IMPORT_BYTES` (5 MB), more than a form field may post
(`DATA_UPLOAD_MAX_MEMORY_SIZE`, 2.5 MB) and too much to send twice from a phone. A kept file
lives `KEEP_FOR`; it is deleted when its import is written, and expired ones whenever another
file is kept, so the folder never holds more than an hour of checked files.
"""

import datetime
import secrets

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from coop import clock
from coop.models import Member

FOLDER = "hour-imports"
KEEP_FOR = datetime.timedelta(hours=1)
_SALT = "coop.hours.kept_imports"


def keep(member: Member, data: bytes, filename: str) -> str:
    """Store the export; return the token that finds it again, for this member only."""
    _remove_expired()
    stamp = int(clock.now().timestamp())
    name = default_storage.save(f"{FOLDER}/{stamp}-{secrets.token_hex(16)}.csv", ContentFile(data))
    return signing.dumps(
        {"file": name, "member": member.pk, "name": filename[:200]}, salt=_SALT, compress=True
    )


def kept(member: Member, token: str) -> tuple[bytes, str] | None:
    """The bytes and the original file name a token names, or None if it is not this member's,
    was tampered with, or has expired."""
    name = _file_of(member, token)
    if name is None:
        return None
    with default_storage.open(name["file"], "rb") as handle:
        return handle.read(), name["name"]


def forget(member: Member, token: str) -> None:
    """Delete a kept file once its import was written."""
    name = _file_of(member, token)
    if name is not None:
        default_storage.delete(name["file"])


def _file_of(member: Member, token: str) -> dict | None:
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
