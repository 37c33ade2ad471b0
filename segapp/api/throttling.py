"""Request rates: per token for integrations, per user for the UI, per address when anonymous."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _LiveRateMixin:
    """Read the rate from the settings at call time, so a changed setting applies at once."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_LiveRateMixin, AnonRateThrottle):
    """Anonymous requests, by client address (`anon` rate; API_THROTTLE_ANON)."""


class SessionUserThrottle(_LiveRateMixin, UserRateThrottle):
    """Requests of signed-in users of the web UI, per user (`user` rate; API_THROTTLE_USER)."""

    def allow_request(self, request, view):
        if isinstance(request.auth, Token):
            return True  # token requests are counted by IntegrationThrottle
        return super().allow_request(request, view)


class IntegrationThrottle(_LiveRateMixin, UserRateThrottle):
    """Requests authenticated by an API token, per user (`integration` rate;
    API_THROTTLE_INTEGRATION)."""

    scope = "integration"

    def allow_request(self, request, view):
        if not isinstance(request.auth, Token):
            return True
        return super().allow_request(request, view)
