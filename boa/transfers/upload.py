"""Reads a ``multipart/form-data`` upload as a stream: each file part goes straight to a file
under ``incoming/`` while it is hashed, and the size limits are enforced on the bytes as they
arrive, so a huge upload never sits in memory and is refused as soon as it crosses a limit.

Litestar's own form parser spools files to anonymous temporary files and knows nothing of our
limits or hashes, so the gate drives the push parser of ``multipart`` (the library Litestar
uses) itself. Fields: ``project`` (once, before the files, so access is decided before any file
byte is accepted) and one or more ``files`` whose file names may carry relative folder paths.
A caller may ask for text fields before ``project`` (:class:`Preamble`: the pages' ``csrf_token``,
checked before the project is looked at). Files added to an open transfer (:class:`Existing`) come
without ``project``: the transfer's project is known, its names are taken and its files count
towards the limits; the preamble is then checked when the first file starts. A file part with an empty name and no content is what
a browser sends for a file input left empty (a form with a files and a folder input): it is skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import anyio
from multipart import (
    MultipartError,
    MultipartSegment,
    ParserLimitReached,
    PushMultipartParser,
    content_disposition_unquote,
    parse_options_header,
)

from boa.kernel.errors import PayloadTooLarge, ValidationFailed
from boa.scanner.filetypes import FileNameError, extension_of, safe_relative_name
from boa.transfers.storage import Incoming, Store

MAX_FIELD_BYTES = 1024
MAX_HEADER_BYTES = 4096 + 128
MAX_HEADERS = 8
PART_OVERHEAD = MAX_HEADER_BYTES * MAX_HEADERS + 256


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_transfer_bytes: int
    max_files: int

    @property
    def max_request_bytes(self) -> int:
        """The most a request within the limits can weigh, multipart framing included (the files,
        the project, a pages' CSRF field and two empty file inputs)."""
        return self.max_transfer_bytes + (self.max_files + 4) * PART_OVERHEAD


@dataclass(frozen=True)
class Preamble:
    """Text fields sent before ``project``, in any order; ``check`` gets what arrived (a missing
    field is absent from the mapping) when the project field starts, before it is read."""

    names: tuple[str, ...]
    check: Callable[[dict[str, str]], None]


@dataclass(frozen=True)
class Existing:
    """An open transfer that files are added to: its project, the names it holds (case-folded) and
    what it already weighs against the per-transfer limits."""

    project: str
    names: frozenset[str]
    count: int
    total: int


@dataclass
class Received:
    name: str
    incoming: Incoming

    @property
    def size(self) -> int:
        return self.incoming.size


@dataclass
class Upload:
    project: str | None = None
    files: list[Received] = field(default_factory=list)
    total: int = 0


def too_large(code: str, detail: str, limit: int, **extra: object) -> PayloadTooLarge:
    return PayloadTooLarge(detail, code=code, limit=limit, **extra)


def _invalid(detail: str, code: str = "invalid_multipart", **extra: object) -> ValidationFailed:
    return ValidationFailed(detail, code=code, **extra)


def file_name_of(segment: MultipartSegment) -> str | None:
    """The part's file name exactly as sent (HTML5 quoting undone), without the parser's
    Internet Explorer work-around that cuts ``C:\\...`` paths down to their last segment:
    such names must be refused, not silently shortened."""
    header = segment.header("Content-Disposition")
    if header is None:
        return None
    _, options = parse_options_header(header, unquote=lambda value, _is_file=False:
                                      content_disposition_unquote(value, False))
    return options.get("filename")


class _Reader:
    def __init__(self, store: Store, limits: Limits, on_project: Callable[[str], Awaitable[None]],
                 preamble: Preamble | None = None, existing: Existing | None = None) -> None:
        self.store, self.limits, self.on_project, self.preamble = store, limits, on_project, preamble
        self.existing = existing
        self.upload = Upload(project=existing.project if existing else None)
        self.names: set[str] = set(existing.names) if existing else set()
        self.base_count, self.base_total = (existing.count, existing.total) if existing else (0, 0)
        self.preamble_checked = False
        self.segment: MultipartSegment | None = None
        self.current: Received | None = None
        self.field = bytearray()
        self.leading: dict[str, str] = {}
        self.skipping = False

    def _check_preamble(self) -> None:
        if self.preamble is not None and not self.preamble_checked:
            self.preamble_checked = True
            self.preamble.check(dict(self.leading))

    def _text_field(self, name: str) -> None:
        started = bool(self.upload.files) or (self.upload.project is not None and self.existing is None)
        if self.preamble is not None and name in self.preamble.names:
            if started or name in self.leading:
                raise _invalid(f"Send the {name} field once, before the project.", code="project_first", field=name)
            self.field = bytearray()
            return
        if name != "project" or self.existing is not None:
            expected = "files" if self.existing is not None else "project and files"
            raise _invalid(f"Unknown form field {name!r}: send {expected}.", code="unknown_field", field=name)
        if started:
            raise _invalid("Send the project field once, before the files.", code="project_first", field="project")
        self._check_preamble()
        self.field = bytearray()

    async def start(self, segment: MultipartSegment) -> None:
        self.segment = segment
        raw_name = file_name_of(segment)
        if raw_name is None:
            self._text_field(segment.name)
            return
        if segment.name != "files":
            raise _invalid(f"Unknown file field {segment.name!r}: send files as 'files'.", code="unknown_field",
                           field=segment.name)
        if self.upload.project is None:
            raise _invalid("Send the project field before the files.", code="project_first", field="project")
        self._check_preamble()  # files added to a transfer have no project field to check it at
        if raw_name == "":
            self.skipping = True  # an empty file input; any content makes it an invalid name
            return
        try:
            name = safe_relative_name(raw_name)
        except FileNameError as err:
            raise _invalid(f"Invalid file name {raw_name!r}: {err}.", code=FileNameError.code,
                           field="files", file=raw_name) from None
        if name.casefold() in self.names:
            raise _invalid(f"The file name {name!r} occurs twice in this transfer.", code="duplicate_file_name",
                           field="files", file=name)
        if self.base_count + len(self.upload.files) >= self.limits.max_files:
            raise too_large("too_many_files", f"At most {self.limits.max_files} files per transfer.",
                            self.limits.max_files)
        self.names.add(name.casefold())
        self.current = Received(name, self.store.receive(extension_of(name)))
        self.upload.files.append(self.current)

    def body(self, chunk: bytes) -> None:
        current = self.current
        if self.skipping:
            if chunk:
                raise _invalid("Invalid file name '': a file needs a name.", code=FileNameError.code, field="files",
                               file="")
            return
        if current is None:
            if len(self.field) + len(chunk) > MAX_FIELD_BYTES:
                name = self.segment.name if self.segment is not None else "project"
                raise _invalid(f"The {name} field is too long.", code="field_too_large", field=name)
            self.field.extend(chunk)
            return
        if current.size + len(chunk) > self.limits.max_file_bytes:
            raise too_large("file_too_large", f"{current.name} is larger than the allowed "
                            f"{self.limits.max_file_bytes} bytes per file.", self.limits.max_file_bytes,
                            file=current.name)
        if self.base_total + self.upload.total + len(chunk) > self.limits.max_transfer_bytes:
            raise too_large("transfer_too_large", f"The transfer is larger than the allowed "
                            f"{self.limits.max_transfer_bytes} bytes.", self.limits.max_transfer_bytes)
        current.incoming.write(chunk)
        self.upload.total += len(chunk)

    async def end(self) -> None:
        if self.skipping:
            self.skipping = False
        elif self.current is not None:
            await anyio.to_thread.run_sync(self.current.incoming.finish)
            self.current = None
        else:
            name = self.segment.name if self.segment is not None else "project"
            try:
                value = self.field.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise _invalid(f"The {name} field is not text.", field=name) from None
            if name != "project":
                self.leading[name] = value
            else:
                self.upload.project = value
                await self.on_project(value)
        self.segment = None

    def abort(self) -> None:
        for received in self.upload.files:
            received.incoming.abort()


async def read_upload(chunks: AsyncIterator[bytes], boundary: str, *, store: Store, limits: Limits,
                      on_project: Callable[[str], Awaitable[None]], preamble: Preamble | None = None,
                      existing: Existing | None = None) -> Upload:
    """Parse the request body; on any error every received file is removed and the error
    (422 ``invalid_multipart``/``invalid_file_name``/..., 413 ``file_too_large``/...) raised.
    With ``existing`` the files are added to that open transfer (no ``project`` field)."""
    if not boundary:
        raise _invalid("The multipart boundary is missing from Content-Type.")
    reader = _Reader(store, limits, on_project, preamble, existing)
    extra = len(preamble.names) if preamble else 0
    try:
        # project, the files, the preamble, and up to two empty file inputs (files and folder)
        parser = PushMultipartParser(boundary, max_header_size=MAX_HEADER_BYTES, max_header_count=MAX_HEADERS,
                                     max_segment_count=limits.max_files + 3 + extra)
        with parser:
            async for chunk in chunks:
                if not chunk:
                    continue
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        await reader.start(event)
                    elif event is None:
                        await reader.end()
                    else:
                        reader.body(event)
        if not reader.upload.files:
            raise _invalid("Send one or more files.", code="no_files", field="files")
        return reader.upload
    except ParserLimitReached as err:
        reader.abort()
        if "segment count" in str(err):
            raise too_large("too_many_files", f"At most {limits.max_files} files per transfer.",
                            limits.max_files) from None
        raise _invalid(f"The multipart body is not acceptable: {err}.") from None
    except MultipartError as err:
        reader.abort()
        raise _invalid(f"The multipart body is malformed: {err}.") from None
    except BaseException:
        reader.abort()
        raise
