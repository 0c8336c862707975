"""A Django-free client for the GitBook REST API, and a faithful fake of it.

The vendored ``openapi.json`` is a subset of the official API description
published in the npm package ``@gitbook/api`` (``spec/openapi.json``):
versions 0.146.0 and 0.202.0, limited to the operations this project calls.
"""

from . import errors, models
from .client import UNSET, GitBookClient
from .errors import (
    BadRequest,
    Conflict,
    Forbidden,
    GitBookError,
    NotFound,
    PreconditionFailed,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from .models import DeleteOutcome, Page
from .transport import ApiResponse, Pacer, RateLimitInfo

__all__ = [
    "UNSET",
    "ApiResponse",
    "BadRequest",
    "Conflict",
    "DeleteOutcome",
    "Forbidden",
    "GitBookClient",
    "GitBookError",
    "NotFound",
    "Pacer",
    "Page",
    "PreconditionFailed",
    "RateLimitInfo",
    "RateLimited",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "errors",
    "models",
]
