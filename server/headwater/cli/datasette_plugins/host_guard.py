"""A Datasette plugin for `headwater review`: answer only requests addressed to this computer.

Datasette has no login, and the store is the reader's browsing history. Binding to
127.0.0.1 keeps other machines out, but a web page can point its own domain at
127.0.0.1 (DNS rebinding) and read the review through the browser; its requests
then carry that domain in the Host header, so they are refused here. Every answer
also forbids framing and type sniffing. Loaded with `datasette --plugins-dir`.
"""

from datasette import hookimpl

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
]
REFUSAL = (
    b"Headwater's review answers only to 127.0.0.1, localhost or [::1]; this request was addressed to another name.\n"
)


def host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def guarded(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if host_name(host).rstrip(".") not in LOOPBACK_NAMES:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS],
                    }
                )
                await send({"type": "http.response.body", "body": REFUSAL})
                return

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
                await send(message)

            await app(scope, receive, send_with_headers)

        return guarded

    return wrap
