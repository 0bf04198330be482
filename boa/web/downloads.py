"""A file answered as a download (both faces)."""

from __future__ import annotations

from litestar import Response


def attachment(content: bytes, file_name: str, media_type: str) -> Response[bytes]:
    """``content`` as the attachment ``file_name`` (a name the caller has checked: no quotes)."""
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"'})
