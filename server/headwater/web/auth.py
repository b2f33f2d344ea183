"""The API token: made on first run, kept next to the store, required on every API call.

The store is the reader's browsing history and the API fetches any URL it is
given, so only the reader's own tools may use it: the extension (its options
hold the token) and scripts. A web page can reach 127.0.0.1 too, but cannot
read the token file.

The token lives in `<database>.token` (provenance.db -> provenance.db.token),
readable by its owner only (0600); `headwater token` prints it. Delete the file
to get a new one on the next start.
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path

TOKEN_BYTES = 32  # 256 bits from the OS's CSPRNG, URL-safe base64 (43 characters)
HOW_TO_GET_IT = "run `headwater token` to see it"


def token_path(db_path: str | Path) -> Path | None:
    """Where the token of a store is kept; None for an in-memory store (nothing on disk)."""
    if str(db_path) == ":memory:":
        return None
    return Path(str(db_path) + ".token")


def load_or_create_token(db_path: str | Path) -> str:
    """The store's token, made (owner-only file) if it does not exist yet."""
    path = token_path(db_path)
    if path is None:
        return secrets.token_urlsafe(TOKEN_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        # O_EXCL: two processes starting at once cannot both write a token; the second reads the first's.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(token + "\n")
    return token


def _read(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        os.chmod(path, 0o600)  # someone loosened it: other users of this machine must not read it
    token = path.read_text(encoding="ascii", errors="replace").strip()
    if len(token) < 16:
        raise ValueError(f"The token file {path} is empty or too short; delete it and start Headwater again.")
    return token


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so the time taken says nothing about how much of the token was right."""
    if given is None:
        return False
    # Bytes: compare_digest refuses non-ASCII str, and a header may hold anything.
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))
