"""Checks requests and responses against the vendored GitBook OpenAPI document.

Used by the client's and the fake's tests so that neither can drift from the
real API. Error responses that the document does not list for an operation
must still have GitBook's error shape: ``{"error": {"code": status, "message": str}}``.
"""

import json
from functools import cache
from pathlib import Path

import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.templating.paths.finders import APICallPathFinder

SPEC_PATH = Path(__file__).resolve().parent.parent / "gitbook_api" / "openapi.json"


@cache
def openapi() -> OpenAPI:
    # The published document mixes 3.0 and 3.1 idioms (``type: [string, null]``),
    # which the strict document validator rejects; schemas still validate fine
    # once the few spots that trip the 3.0 schema validator are rewritten.
    spec = _validatable(json.loads(SPEC_PATH.read_text()))
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def _validatable(node):
    """Rewrite the two idioms the OpenAPI 3.0 schema validator cannot evaluate.

    - ``discriminator`` without a ``mapping``: the validator resolves each value
      as a schema *name* (``#/components/schemas/page``), which GitBook's document
      does not have; every ``oneOf`` it sits on already tells its options apart
      by an ``enum`` on the same property, so dropping it keeps the meaning.
    - ``type: [X, "null"]`` (3.1) becomes ``type: X, nullable: true`` (3.0).
    """
    if isinstance(node, list):
        return [_validatable(item) for item in node]
    if not isinstance(node, dict):
        return node
    rewritten = {key: _validatable(value) for key, value in node.items()}
    if "discriminator" in rewritten and "mapping" not in rewritten["discriminator"]:
        del rewritten["discriminator"]
    types = rewritten.get("type")
    if isinstance(types, list):
        non_null = [t for t in types if t != "null"]
        rewritten["type"] = non_null[0] if len(non_null) == 1 else non_null
        if "null" in types:
            rewritten["nullable"] = True
    return rewritten


def _declared_statuses(request: requests.PreparedRequest) -> set[str]:
    finder = APICallPathFinder(openapi().spec)
    wrapped = RequestsOpenAPIRequest(request)
    _path, operation, *_ = finder.find(wrapped.method, wrapped.host_url + wrapped.path)
    return set((operation / "responses").keys())


def check_request(request: requests.PreparedRequest) -> None:
    """Raise AssertionError unless the request is one the document allows."""
    try:
        openapi().validate_request(RequestsOpenAPIRequest(request))
    except PathNotFound as exc:
        raise AssertionError(f"{request.method} {request.url}: no such operation") from exc
    except Exception as exc:
        detail = getattr(exc, "__cause__", None) or exc
        raise AssertionError(f"{request.method} {request.url}: {exc} ({detail!r})") from exc


def check_response(request: requests.PreparedRequest, response: requests.Response) -> None:
    """Raise AssertionError unless the response is one the document allows."""
    status = str(response.status_code)
    if status in _declared_statuses(request):
        try:
            openapi().validate_response(
                RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response)
            )
        except Exception as exc:
            detail = getattr(exc, "__cause__", None) or exc
            raise AssertionError(
                f"{request.method} {request.url} -> {status}: {exc} ({detail!r})"
            ) from exc
        return
    assert response.status_code >= 400, (
        f"{request.method} {request.url} answered {status}, which the document does not list"
    )
    check_error_body(response)


def check_error_body(response: requests.Response) -> None:
    """GitBook's error shape: {"error": {"code": <status>, "message": "<text>"}}."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == response.status_code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body


def checking_session(session: requests.Session) -> requests.Session:
    """Make every exchange of ``session`` checked against the document."""

    def hook(response: requests.Response, *args, **kwargs):
        check_request(response.request)
        check_response(response.request, response)

    session.hooks["response"].append(hook)
    return session
