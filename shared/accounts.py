"""Wearers' accounts: sign-up, email verification, login sessions, password reset and change.

A session is a key of scope `user` with an expiry; the verification and reset links carry
one-time tokens of scope `verify` and `reset`. All three are made by `issue_key`, so each is
random, stored only as its SHA-256 and revocable like any key (docs/architecture.md says why
not JWT). Mail goes through the notification outbox, so it is retried like alert mail.
"""

from __future__ import annotations

from urllib.parse import quote

import msgspec

from shared.config import Settings
from shared.errors import Conflict, Forbidden, NotFound, Unauthorized
from shared.ids import new_id
from shared.keyring import IssuedKey, issue_key
from shared.keys import hash_key, looks_like_key
from shared.models import Channel, Notification, Scope, User
from shared.passwords import acceptable, hash_password, verify_password
from shared.store.base import Store
from shared.users import valid_email, valid_name

VERIFY_SECONDS = 2 * 86_400
RESET_SECONDS = 3600
INVALID_CREDENTIALS = "invalid_credentials"
#: An unknown, used, expired or other-purpose token: a 404, like any id that names nothing.
SPENT = "this link is not valid any more; ask for a new one"


def _mail(store: Store, user: User, subject: str, body: str, about: str, at: int) -> None:
    store.enqueue_notification(
        Notification(
            id=new_id("ntf"), alert_id=about, user_id=user.id, channel=Channel.EMAIL,
            destination=user.email, subject=subject, body=body, created_at=at, next_attempt_at=at,
        )
    )


def _mail_link(store: Store, settings: Settings, user: User, scope: Scope, at: int) -> None:
    """Issue a one-time token of `scope` and mail the link that redeems it."""
    seconds, page, subject, why = {
        Scope.VERIFY: (VERIFY_SECONDS, "verify", "Confirm your email", "confirm your email address"),
        Scope.RESET: (RESET_SECONDS, "reset", "Reset your password", "choose a new password"),
    }[scope]
    token = issue_key(store, scope, at, user_id=user.id, expires_at=at + seconds)
    link = f"{settings.public_url}/{page}?token={quote(token.secret)}"
    body = f"Hello {user.name},\n\nOpen this link to {why}:\n\n{link}\n\nIt works once, within {seconds // 3600} hours."
    _mail(store, user, subject, body, token.record.id, at)


def register(store: Store, settings: Settings, *, email: str, password: str, name: str, at: int) -> None:
    """Create an unverified user and mail the link. An email already taken gets a note to its
    owner instead, and the caller answers alike, so sign-up tells nobody who has an account."""
    if settings.registration != "open":
        raise Forbidden("sign-up is closed; ask the operator for an account", code="registration_closed")
    user = User(
        id=new_id("usr"), email=valid_email(email), name=valid_name(name), created_at=at,
        password_hash=hash_password(acceptable(password)),
    )
    try:
        store.create_user(user)
    except Conflict:
        owner = store.get_user_by_email(user.email)
        if owner is not None:
            note = (
                f"Hello {owner.name},\n\nSomeone tried to sign up with this address, which already has an "
                f"account. If it was you, log in or reset your password at {settings.public_url}/reset."
            )
            _mail(store, owner, "Someone tried to sign up as you", note, owner.id, at)
        return
    _mail_link(store, settings, user, Scope.VERIFY, at)


def redeem(store: Store, token: str, scope: Scope, at: int) -> User:
    """The user a one-time token of `scope` was mailed to; the token is spent. A token that is
    unknown, used, expired or of another purpose is refused alike."""
    found = store.find_key_by_hash(hash_key(token)) if looks_like_key(token) else None
    if found is None or found.scope is not scope or found.refusal(at) is not None or found.user_id is None:
        raise NotFound(SPENT, code="invalid_token")
    store.revoke_key(found.id, at)
    user = store.get_user(found.user_id)
    if user is None:
        raise NotFound(SPENT, code="invalid_token")
    return user


def verify(store: Store, token: str, at: int) -> User:
    user = redeem(store, token, Scope.VERIFY, at)
    return store.update_user(msgspec.structs.replace(user, verified=True)) or user


def resend_verification(store: Store, settings: Settings, user: User, at: int) -> None:
    if user.verified:
        raise Conflict("this user's email is verified already", code="already_verified")
    _mail_link(store, settings, user, Scope.VERIFY, at)


def login(store: Store, settings: Settings, *, email: str, password: str, at: int) -> IssuedKey:
    """A new session for the right password. Unknown email and wrong password are one answer
    and take the same time (a decoy hash is checked)."""
    user = store.get_user_by_email(email.strip())
    if not verify_password(password, user.password_hash if user else None) or user is None:
        raise Unauthorized("the email or the password is wrong", code=INVALID_CREDENTIALS)
    if user.disabled:
        raise Forbidden("this account is disabled; ask the operator", code="account_disabled")
    if not user.verified:
        raise Forbidden("confirm your email first: open the link we mailed you", code="email_unverified")
    store.update_user(msgspec.structs.replace(user, last_login_at=at))
    expires_at = at + settings.session_ttl_seconds
    return issue_key(store, Scope.USER, at, user_id=user.id, label="session", expires_at=expires_at)


def request_reset(store: Store, settings: Settings, email: str, at: int) -> None:
    """Mail a reset link when the address has an account; the caller answers alike either way."""
    user = store.get_user_by_email(email.strip())
    if user is not None and not user.disabled:
        _mail_link(store, settings, user, Scope.RESET, at)


def set_password(store: Store, user: User, password: str, at: int, *, verified: bool | None = None) -> User:
    """Store the new password and end every session of the user (a stolen one too)."""
    changed = msgspec.structs.replace(
        user, password_hash=hash_password(acceptable(password)),
        verified=user.verified if verified is None else verified,
    )
    store.update_user(changed)
    store.revoke_user_keys(user.id, at, [Scope.USER, Scope.RESET])
    return changed


def reset_password(store: Store, token: str, password: str, at: int) -> User:
    acceptable(password)  # refuse a weak password before the token is spent
    user = redeem(store, token, Scope.RESET, at)
    return set_password(store, user, password, at, verified=True)  # the mail reached its owner


def change_password(store: Store, user: User, current: str, new: str, at: int) -> User:
    if not verify_password(current, user.password_hash):
        raise Unauthorized("the current password is wrong", code=INVALID_CREDENTIALS)
    return set_password(store, user, new, at)


def set_disabled(store: Store, user: User, disabled: bool, at: int) -> User:
    """Disabling ends every key and session of the user at once; enabling restores none."""
    changed = msgspec.structs.replace(user, disabled=disabled)
    store.update_user(changed)
    if disabled:
        store.revoke_user_keys(user.id, at)
    return changed
