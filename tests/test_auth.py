import threading

import pytest

from spbe.auth import (
    FREE_ATTEMPTS,
    GLOBAL_FREE_ATTEMPTS,
    AuthError,
    LoginThrottle,
    configured_hash,
    hash_password,
    verify_password,
)


def test_hash_then_verify():
    stored = hash_password("rahasia-ternate", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert "rahasia" not in stored
    assert verify_password("rahasia-ternate", stored)
    assert not verify_password("rahasia-ternatE", stored)


def test_same_password_gets_a_different_salt():
    assert hash_password("x", iterations=1000) != hash_password("x", iterations=1000)


def test_malformed_hash_is_a_clear_error():
    with pytest.raises(AuthError, match="hash-password"):
        verify_password("x", "plaintext-password")


def test_empty_password_cannot_be_hashed():
    with pytest.raises(AuthError):
        hash_password("")


def test_configured_hash_prefers_secrets_then_env(monkeypatch):
    monkeypatch.delenv("SPBE_ADMIN_PASSWORD_HASH", raising=False)
    assert configured_hash(lambda key: None) is None
    monkeypatch.setenv("SPBE_ADMIN_PASSWORD_HASH", "from-env")
    assert configured_hash(lambda key: None) == "from-env"
    assert configured_hash(lambda key: "from-secrets") == "from-secrets"


def test_wrong_passwords_are_throttled_per_client():
    now = [1000.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    stored = hash_password("benar", iterations=1000)
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(AuthError, match="Kata sandi salah"):
            throttle.attempt("10.0.0.5", "salah", stored)
    # now even the right password must wait (2 s, then 4 s, ...)
    with pytest.raises(AuthError, match="Terlalu banyak percobaan"):
        throttle.attempt("10.0.0.5", "benar", stored)
    assert throttle.wait_seconds("10.0.0.5") == pytest.approx(2.0)
    throttle.attempt("10.0.0.9", "benar", stored)  # another client is not affected
    now[0] += 2.5
    with pytest.raises(AuthError, match="Kata sandi salah"):
        throttle.attempt("10.0.0.5", "salah", stored)
    assert throttle.wait_seconds("10.0.0.5") == pytest.approx(4.0)
    now[0] += 4.1
    throttle.attempt("10.0.0.5", "benar", stored)
    assert throttle.wait_seconds("10.0.0.5") == 0.0


def test_failures_are_counted_across_all_clients():
    now = [1000.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    stored = hash_password("benar", iterations=1000)
    for n in range(GLOBAL_FREE_ATTEMPTS):  # one failure each from many addresses/sessions
        with pytest.raises(AuthError, match="Kata sandi salah"):
            throttle.attempt(f"sesi-{n}", "salah", stored)
    with pytest.raises(AuthError, match="Terlalu banyak percobaan"):
        throttle.attempt("sesi-baru", "salah", stored)  # a fresh client gains nothing
    now[0] += 2.5
    throttle.attempt("sesi-baru", "benar", stored)  # the admin gets in after the wait


def test_parallel_guesses_from_many_sessions_are_not_all_checked():
    """20 sessions guess at the same moment: at most the free attempts reach the (slow)
    password check; the others are refused at once, without checking."""
    throttle = LoginThrottle()
    stored = hash_password("benar", iterations=200_000)  # ~0.1-0.2 s per check, as in use
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        start.wait()
        try:
            throttle.attempt(f"sesi-{n}", "salah", stored)
        except AuthError as exc:
            outcomes.append("checked" if "salah" in str(exc) else "refused")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 20
    assert outcomes.count("checked") == GLOBAL_FREE_ATTEMPTS
    assert outcomes.count("refused") == 20 - GLOBAL_FREE_ATTEMPTS
