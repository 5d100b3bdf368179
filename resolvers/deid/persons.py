"""A person as an analyst sees them: a pseudonym and a sealed id, both per project.

The mart and the identity vault know a person by a random person key (32 hex digits, made when
the export job first meets the DoD ID; 45 CFR 164.514(c): not derived from the person). Analysts
never see it: a project sees `anon-<HMAC>` as the pseudonym and `a1.<AES-SIV>` as the patient's
id. AES-SIV is deterministic, so the id is stable within a project, and authenticated, so an id
another project was given (or one made up) does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from .keys import ProjectKeys

__all__ = ["PERSON_KEY", "is_sealed_person", "pseudonym", "seal_person", "unseal_person"]

PERSON_KEY = re.compile(r"[0-9a-f]{32}\Z")
_PREFIX = "a1."
_CONTEXT = b"mhs-analyst-patient-id"


def pseudonym(keys: ProjectKeys, person_key: str) -> str:
    """The project's stable, keyed, irreversible stand-in for a person."""
    return "anon-" + hmac.new(keys.pseudonyms, person_key.encode(), hashlib.sha256).hexdigest()[:24]


def seal_person(keys: ProjectKeys, person_key: str) -> str:
    """The patient id this project's analysts use in `node(id:)`."""
    sealed = AESSIV(keys.ids).encrypt(bytes.fromhex(person_key), [_CONTEXT, keys.project.encode()])
    return _PREFIX + base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def is_sealed_person(value: str) -> bool:
    """Whether `value` has the shape of an analyst's patient id (not whether it opens)."""
    return value.startswith(_PREFIX)


def unseal_person(keys: ProjectKeys, value: str) -> str | None:
    """The person key inside an id this project was given; None for any other value."""
    if not is_sealed_person(value):
        return None
    raw = value[len(_PREFIX):]
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        opened = AESSIV(keys.ids).decrypt(data, [_CONTEXT, keys.project.encode()])
    except (ValueError, InvalidTag, binascii.Error):
        return None
    return opened.hex() if len(opened) == 16 else None
