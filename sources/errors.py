"""Every error nashra raises on purpose.

The hierarchy::

    NashraError                    base of all of nashra's own errors
    ├── ConfigError(path, message, key=None, line=None)
    │                              nashra.toml is missing, malformed or invalid
    ├── SourceError(source, message)
    │   │                          one source could not be collected; the others go on
    │   ├── ParseError(source, message, line=None)
    │   │                          the bytes were read but are not valid input
    │   └── FetchError(source, message)
    │                              a URL source could not be fetched
    ├── StoreError(message)        the store could not be opened, read or written
    └── PublishError(path, message)
                                   a file under public/ could not be written

``str(error)`` is one line meant for the operator: what went wrong, and where
(the file, URL, key or line). Foreign exceptions are translated once, where they
enter nashra, with ``raise ... from exc`` so that the log keeps the traceback.
"""

from __future__ import annotations


class NashraError(Exception):
    """Base class of nashra's own errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only and extra constructor arguments do not survive Exception's
        # default pickling; errors cross to and from parsing worker processes
        return (_rebuild, (type(self), dict(self.__dict__)))


def _rebuild(cls: type[NashraError], state: dict[str, object]) -> NashraError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class ConfigError(NashraError):
    """The configuration file is missing, malformed or invalid."""

    def __init__(
        self, path: str, message: str, *, key: str | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.key = key
        self.line = line

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.key:
            return f"{where}: {self.key}: {self.message}"
        return f"{where}: {self.message}"


class SourceError(NashraError):
    """One source (a file or a URL) could not be collected."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class ParseError(SourceError):
    """The source's bytes were read but are not valid input."""

    def __init__(self, source: str, message: str, *, line: int | None = None) -> None:
        super().__init__(source, message)
        self.line = line

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


class FetchError(SourceError):
    """A URL source could not be fetched."""


class StoreError(NashraError):
    """The store could not be opened, read or written."""


class PublishError(NashraError):
    """A file under the public folder could not be written."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
