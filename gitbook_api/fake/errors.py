"""The one error the fake's operations raise; the server turns it into GitBook's error body."""


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"code": self.status, "message": self.message}}
