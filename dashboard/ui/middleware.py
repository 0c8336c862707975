from django.conf import settings


def content_security_policy(get_response):
    """Scripts and styles only from this site: nothing GitBook sends can run."""
    policy = settings.CONTENT_SECURITY_POLICY

    def middleware(request):
        response = get_response(request)
        response.setdefault("Content-Security-Policy", policy)
        return response

    return middleware
