"""Token authentication whose failures are rate-limited, so tokens cannot be guessed at speed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled

from segapp.api.throttling import AnonymousThrottle


class _FailedTokenThrottle(AnonymousThrottle):
    """The anonymous rate, keyed by client address without asking who the user is.

    Asking `request.user` here would start authentication again from inside it.
    """

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ThrottledTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; every refused token counts against the anonymous rate.

    DRF throttles only after authentication succeeds, so without this a caller
    could try tokens as fast as the server answers. Past the rate the answer is
    429 instead of 401, until the window has passed.
    """

    def authenticate_credentials(self, key):
        """DRF's lookup, with the token's privacy policy loaded alongside (no extra query)."""
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "privacy_policy").get(key=key)
        except model.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            throttle = _FailedTokenThrottle()
            if not throttle.allow_request(request, None):
                raise Throttled(throttle.wait()) from None
            raise
