"""Passwords are hashed with Argon2id at the stated cost; a hash at Django's default cost still
verifies and is marked for rewriting."""

from __future__ import annotations


def test_argon2_at_the_stated_cost() -> None:
    from django.contrib.auth.hashers import (
        Argon2PasswordHasher,
        check_password,
        get_hasher,
        make_password,
    )

    from engine.store.config import ensure_django

    ensure_django()
    hasher = get_hasher()
    assert type(hasher).__name__ == "DutyArgon2PasswordHasher"
    encoded = make_password("correct-Horse-9")
    assert encoded.startswith("argon2$argon2id$") and "m=19456,t=2,p=1" in encoded
    assert check_password("correct-Horse-9", encoded)
    assert not check_password("wrong-Horse-9", encoded)
    old = Argon2PasswordHasher().encode("correct-Horse-9", Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old
    assert check_password("correct-Horse-9", old) and hasher.must_update(old)
    assert not hasher.must_update(encoded)
