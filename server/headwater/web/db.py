"""One store connection per request, on Flask's `g` (the Flask tutorial's get_db)."""

from flask import current_app, g

from headwater import store


def get_db():
    if "db" not in g:
        g.db = store.open_db(current_app.config["DATABASE"])
    return g.db


def close_db(_exc=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()
