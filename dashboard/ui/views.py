from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    """The cheapest page behind login and the middleware: the benchmarks' baseline."""
    return HttpResponse("ok")
