"""Log-in and every request checked against the keyed audit record: an account whose rows
were changed in the database without the key (password hash, active flag, roles, tokens)
cannot log in, and a session of it ends at its next request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from engine.web.runtime import service
from engine.workflow.accounts import account_usable


class RecordedBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and account_usable(
            service().store, user.get_username())

    def get_user(self, user_id: Any) -> Any:
        """The session's account, checked once against the record (Django's own
        ``get_user`` would ask ``user_can_authenticate`` again)."""
        users = get_user_model()._default_manager
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
