"""Admin role for writes: a password checked against a PBKDF2 hash, with throttling of failures.

The hash (never the password) comes from ``.streamlit/secrets.toml`` (``admin_password_hash``) or the
environment variable ``SPBE_ADMIN_PASSWORD_HASH``. Make one with ``python -m spbe hash-password``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from spbe.core.errors import SpbeError

HASH_ENV = "SPBE_ADMIN_PASSWORD_HASH"
SECRET_KEY = "admin_password_hash"
ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 240_000
FREE_ATTEMPTS = 3  # failures allowed per client before waiting is imposed
GLOBAL_FREE_ATTEMPTS = 10  # failures allowed from all clients together
ALL = "*"  # the key counting every client
BASE_DELAY_S = 2.0
MAX_DELAY_S = 300.0


class AuthError(SpbeError):
    """Wrong password, a throttled attempt, or a malformed hash (Indonesian message)."""

    EXIT_CODE = 1


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    if not password:
        raise AuthError("Kata sandi tidak boleh kosong.")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    b64 = base64.b64encode
    return f"{ALGORITHM}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored_hash: str) -> bool:
    try:
        algorithm, iterations, salt_b64, digest_b64 = stored_hash.strip().split("$")
        if algorithm != ALGORITHM:
            raise ValueError(algorithm)
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        rounds = int(iterations)
    except (ValueError, TypeError) as exc:
        raise AuthError(
            "Hash kata sandi admin tidak valid; buat ulang dengan 'python -m spbe hash-password'."
        ) from exc
    actual = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, rounds)
    return hmac.compare_digest(actual, expected)


def configured_hash(secrets_lookup: Callable[[str], str | None] | None = None) -> str | None:
    """The admin hash from secrets (if a lookup is given) or the environment; None = no admin."""
    if secrets_lookup is not None:
        value = secrets_lookup(SECRET_KEY)
        if value:
            return str(value)
    return os.environ.get(HASH_ENV) or None


@dataclass
class LoginThrottle:
    """Failed logins counted per client address and across the whole server.

    After FREE_ATTEMPTS failures from one client (GLOBAL_FREE_ATTEMPTS from all clients together,
    so many sessions or addresses gain nothing) each further try waits longer, doubling up to
    MAX_DELAY_S. An attempt is counted *before* the (slow) password check, under a lock, so
    parallel guesses cannot all slip through while the first ones are being checked; a correct
    password takes its count back.
    """

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _wait(self, key: str, free: int) -> float:
        count, last = self._failures.get(key, (0, 0.0))
        if count < free:
            return 0.0
        delay = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (count - free))
        return max(0.0, last + delay - self.clock())

    def wait_seconds(self, client: str) -> float:
        with self._lock:
            return max(self._wait(client, FREE_ATTEMPTS), self._wait(ALL, GLOBAL_FREE_ATTEMPTS))

    def _count(self, key: str, step: int) -> None:
        count, _ = self._failures.get(key, (0, 0.0))
        self._failures[key] = (max(0, count + step), self.clock())

    def attempt(self, client: str, password: str, stored_hash: str) -> None:
        """Raise AuthError unless the password is right and the client is not made to wait."""
        with self._lock:
            wait = max(self._wait(client, FREE_ATTEMPTS), self._wait(ALL, GLOBAL_FREE_ATTEMPTS))
            if wait <= 0:
                self._count(client, 1)
                self._count(ALL, 1)
        if wait > 0:
            raise AuthError(
                f"Terlalu banyak percobaan gagal. Coba lagi dalam {int(wait) + 1} detik."
            )
        if verify_password(password, stored_hash):
            with self._lock:
                self._failures.pop(client, None)
                self._count(ALL, -1)
            return
        raise AuthError("Kata sandi salah.")
