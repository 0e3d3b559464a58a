"""Application-level encryption of case personal data, and the blind index.

Fernet (AES-128-CBC + HMAC-SHA256, authenticated) from the `cryptography` package, behind a
MultiFernet keyring: the first key of COUNCIL_ENCRYPTION_KEYS encrypts, every key decrypts, so a
new key is put first, `rotate_council_keys` re-encrypts every value, and the old key can go.

The blind index is an HMAC-SHA256 (its own key, COUNCIL_BLIND_INDEX_KEY) of the folded kana name
and the date of birth: equal people give equal digests, so duplicates are found with an indexed
lookup and without decrypting a single row.
"""

import datetime
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.japanese import fold

PREFIX = "fernet:"


@cache
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("COUNCIL_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def keyring() -> MultiFernet:
    # Read on every call (cached per key tuple), so tests and rotation see the current settings.
    return _keyring(tuple(settings.COUNCIL_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + keyring().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise InvalidToken("not a council ciphertext")
    return keyring().decrypt(token[len(PREFIX) :].encode()).decode()


def rotate(token: str) -> str:
    """The same value, encrypted with the newest key."""
    return PREFIX + keyring().rotate(token[len(PREFIX) :].encode()).decode()


def encrypted_with_newest_key(token: str) -> bool:
    """True if the newest key alone can read `token`."""
    try:
        Fernet(settings.COUNCIL_ENCRYPTION_KEYS[0].encode()).decrypt(token[len(PREFIX) :].encode())
    except InvalidToken:
        return False
    return True


def blind_index(name_kana: str, date_of_birth: datetime.date | None) -> str:
    """Keyed digest of the folded kana name and date of birth ("" when either is missing)."""
    folded = "".join(fold(name_kana or "").split())
    if not folded or date_of_birth is None:
        return ""
    message = f"{folded}|{date_of_birth.isoformat()}".encode()
    key = settings.COUNCIL_BLIND_INDEX_KEY.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
