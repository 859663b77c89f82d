"""Log-in and every request checked against the keyed audit record: an account whose rows
were changed in the database without the key (password hash, active flag, roles, tokens)
cannot log in, and a session of it ends at its next request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from engine.web.runtime import service
from engine.workflow.accounts import account_usable


class RecordedBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and account_usable(
            service().store, user.get_username())

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        if user is None or not account_usable(service().store, user.get_username()):
            return None
        return user
