"""The transfer gate's microdata scanner (SPEC 6.2).

Public interface: ``scan_file``, ``ScanConfig``, ``FileReport``, ``Finding``, ``load_rules``.
Exports are loaded lazily so that ``boa.filetypes`` can use the scanner's helper modules.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FileReport", "Finding", "ScanConfig", "load_rules", "scan_file"]

_EXPORTS = {
    "scan_file": "boa.scanner.core",
    "ScanConfig": "boa.scanner.report",
    "FileReport": "boa.scanner.report",
    "Finding": "boa.scanner.report",
    "load_rules": "boa.scanner.rules",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
