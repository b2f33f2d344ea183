"""The errors a user can meet, each with a stable code and the HTTP status the API gives it.

The CLI prints `message` and exits with `exit_code`; the API answers
`{"error": {"code": ..., "message": ...}}` with `status`.
"""


class HeadwaterError(Exception):
    code = "error"
    status = 400
    exit_code = 1

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class InvalidURL(HeadwaterError):
    """Not a URL, a scheme other than http(s), credentials in the URL..."""

    code = "invalid_url"
    status = 400
    exit_code = 2


class ForbiddenAddress(InvalidURL):
    """The URL points at this machine, a private network or another address we never fetch (SSRF)."""

    code = "forbidden_address"


class FetchError(HeadwaterError):
    """The page could not be fetched (DNS, connection, timeout, HTTP error status)."""

    code = "fetch_failed"
    status = 422
    exit_code = 3


class PageTooLarge(FetchError):
    code = "too_large"
    status = 413


class NotHTML(FetchError):
    code = "not_html"
    status = 415


class NoText(HeadwaterError):
    """The page was fetched but holds no article text we can extract."""

    code = "no_text"
    status = 422
    exit_code = 4


class NotFound(HeadwaterError):
    code = "not_found"
    status = 404
    exit_code = 5


class TooComplex(HeadwaterError):
    """The page's analysis ran over its time budget (settings.AnalysisSettings.seconds) and
    was stopped; nothing of it was stored."""

    code = "too_complex"
    status = 422
    exit_code = 7

    def __init__(self, seconds: float):
        super().__init__(
            f"The page's analysis ran over its time budget of {seconds:g} seconds and was stopped; "
            "nothing was stored. The page is too long or too complex to analyse in that time "
            "(a live blog, a long transcript). The budget is set by HEADWATER_ANALYSIS_SECONDS "
            "(in the environment of `headwater serve` or `headwater trace`)."
        )
        self.seconds = seconds


class Busy(HeadwaterError):
    """The server has no room for this request now; `Retry-After` says when to ask again."""

    code = "busy"
    status = 503

    def __init__(self, message: str, *, retry_after: int = 2):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
        self.headers = {"Retry-After": str(self.retry_after)}  # api.py's error handler sends these


def analysis_failed_message(error: Exception) -> str:
    """What the fetch log says of a page fetched but not analysed: the exception's class only
    (its message stays out of the store, as out of the API's answers)."""
    return f"The page was fetched but its analysis failed ({type(error).__name__})."
