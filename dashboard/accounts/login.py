"""Login that slows down password guessing: after too many failures for one
username or from one address, further tries are refused for a while."""

import contextlib
import logging

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from redis.exceptions import RedisError

from dashboard.gitbook.redis import get_redis

log = logging.getLogger(__name__)


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "unknown") if request else "unknown"
    return [f"login-failures:user:{username.casefold()}", f"login-failures:ip:{address}"]


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        keys = _keys(self.request, username)
        redis = get_redis()
        try:
            failures = [int(value or 0) for value in redis.mget(keys)]
        except RedisError:
            # Without Redis nobody could log in; passwords are still checked.
            log.warning("Login throttling is off: Redis is unreachable")
            return super().clean()
        if max(failures) >= settings.LOGIN_FAILURE_LIMIT:
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise forms.ValidationError(
                f"Too many failed attempts. Try again in {minutes} minutes.", code="throttled"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            pipeline = redis.pipeline()
            for key in keys:
                pipeline.incr(key)
                pipeline.expire(key, settings.LOGIN_LOCKOUT_SECONDS)
            with contextlib.suppress(RedisError):
                pipeline.execute()
            raise
        with contextlib.suppress(RedisError):
            redis.delete(keys[0])
        return cleaned
