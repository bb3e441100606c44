import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_STARTED_KEY = "uhapo_session_started"


class StaffSessionLimitMiddleware:
    """End a signed-in session 8 hours after it began, however active it was.

    Idle expiry (30 minutes) comes from SESSION_COOKIE_AGE with
    SESSION_SAVE_EVERY_REQUEST; Django has no absolute cap of its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is signed in: a family's visit never
        # loads an anonymous user just to find that out.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_MAX_AGE:
                logout(request)
        return self.get_response(request)
