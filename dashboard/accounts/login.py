"""Login that slows down password guessing: after too many failures for one
username or from one address, further tries are refused for a while."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from dashboard.gitbook.redis import get_redis


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "unknown") if request else "unknown"
    return [f"login-failures:user:{username.casefold()}", f"login-failures:ip:{address}"]


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        keys = _keys(self.request, username)
        redis = get_redis()
        failures = [int(value or 0) for value in redis.mget(keys)]
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
            pipeline.execute()
            raise
        redis.delete(keys[0])
        return cleaned
