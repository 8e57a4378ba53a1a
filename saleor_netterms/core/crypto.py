"""Secrets at rest: Fernet with rotation (MultiFernet, newest key first; APP_ENCRYPTION_KEYS)."""
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from .errors import NetTermsError


class SecretUnreadable(NetTermsError):
    code = "SECRET_UNREADABLE"
    http_status = 500
    merchant_message = "A stored secret cannot be decrypted with the configured APP_ENCRYPTION_KEYS."


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.APP_ENCRYPTION_KEYS))


def secret_encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def secret_decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("stored secret does not decrypt with any configured key") from exc


def secret_rotate(ciphertext: str) -> str:
    """Re-encrypt with the newest key (after a new key was put first in APP_ENCRYPTION_KEYS)."""
    try:
        return _current().rotate(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("stored secret does not decrypt with any configured key") from exc
