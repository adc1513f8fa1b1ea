"""What a search can fail with, said in English (the JSON API) and Russian (the pages)."""

from __future__ import annotations


class BadRequest(ValueError):
    """A bad query parameter. ``code`` (machine, e.g. "bad_page"), ``message`` (English, for
    the JSON API), ``message_ru`` (Russian, for the HTML pages)."""

    def __init__(self, code: str, message: str, message_ru: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_ru = message_ru


class IndexUnavailable(RuntimeError):
    """No index yet, or the index cannot be opened."""

    def __init__(self, message: str, message_ru: str):
        super().__init__(message)
        self.message = message
        self.message_ru = message_ru
