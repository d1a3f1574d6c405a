"""One exception base for the package; subclasses carry where the problem is."""
from __future__ import annotations


class NormalizerError(Exception):
    """Base of every error this package raises on purpose."""


class GazetteerError(NormalizerError):
    """A problem in an analyst's gazetteer file, located by file and line."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        entry: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.entry = entry
        self.hint = hint
        super().__init__(self.__str__())

    @property
    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        parts = []
        if self.location:
            parts.append(f"{self.location}:")
        if self.entry:
            parts.append(f"entry {self.entry!r}:")
        parts.append(self.message)
        text = " ".join(parts)
        if self.hint:
            text += f" ({self.hint})"
        return text


class GazetteerErrors(NormalizerError):
    """Several gazetteer problems found in one pass; `errors` lists them all."""

    def __init__(self, errors: list[GazetteerError]) -> None:
        self.errors = errors
        lines = "\n".join(str(e) for e in errors)
        super().__init__(f"{len(errors)} gazetteer error(s):\n{lines}")


class InputError(NormalizerError):
    """An input document that cannot be read (missing, binary, not UTF-8, bad JSON)."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}")


class OutputError(NormalizerError):
    """The output cannot be written where the user asked (a missing folder, an unfinished run, a full disk)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class AnnotationError(NormalizerError):
    """The pipeline failed on a text (the library calls raise it; the CLI reports it and goes on)."""


class ConfigError(NormalizerError, ValueError):
    """An option with a value the normalizer does not know (``conventions="geo"``)."""


class ModelError(NormalizerError):
    """No usable spaCy pipeline could be loaded."""


class GeoNamesError(NormalizerError):
    """A GeoNames dump file or compiled index that cannot be used, located by file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}")
