"""Log lines as JSON, one object per line, for the log collectors of production.

``LOG_FORMAT`` picks this formatter or the plain one (see settings.LOGGING).
"""

import json
import logging
from datetime import UTC, datetime

# What every LogRecord carries; any other attribute came from `extra=`.
RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}


class JsonFormatter(logging.Formatter):
    """time, level, logger and message, then the record's extras and its exception:
    {"time": "2025-01-31T09:12:03.114+00:00", "level": "INFO", "logger": "...", ...}
    """

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in RECORD_ATTRIBUTES and not name.startswith("_"):
                line.setdefault(name, value)
        # Django passes the request itself (django.request, django.server); its
        # text includes the query string, which may hold search terms or tokens.
        request = line.pop("request", None)
        if hasattr(request, "path") and hasattr(request, "method"):
            line.setdefault("method", request.method)
            line.setdefault("path", request.path)
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc_info"] = record.exc_text
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)
