"""Transfer rules: the one place the gate's policy comes from.

The rules live in ``seed_data/transfer_rules.json`` (allowed extensions, key-like column
names, count-like header words, context words, thresholds, limits and confidence weights;
``scan_limits``: the caps of one scan, see ``boa/scanner/budget.py``; ``shape``,
``total_row_words`` and ``not_count_header_words``: tables judged by their shape, see
``boa/scanner/tables.py``).
``BOA_TRANSFER_RULES`` may point to another file with the same shape.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache

from boa.kernel.settings import transfer_rules_path


@dataclass(frozen=True)
class TransferRules:
    allowed_extensions: frozenset[str]
    messages: dict[str, dict[str, str]]
    key_column_names: frozenset[str]
    key_column_tokens: frozenset[str]
    count_header_words: frozenset[str]
    cpr_context_words: tuple[str, ...]
    cvr_context_words: tuple[str, ...]
    thresholds: dict[str, int]
    limits: dict[str, int]
    scan_limits: dict[str, int]  # caps of one scan (boa/scanner/budget.py)
    shape: dict[str, int]  # tables judged by their shape (boa/scanner/tables.py)
    total_row_words: tuple[str, ...]
    not_count_header_words: frozenset[str]
    confidence: dict[str, float]

    def message(self, code: str, lang: str = "en") -> str:
        return self.messages.get(code, {}).get(lang, code)


def _lower_set(values: list[str]) -> frozenset[str]:
    return frozenset(v.lower() for v in values)


def rules_from_dict(raw: dict) -> TransferRules:
    return TransferRules(
        allowed_extensions=_lower_set(raw["allowed_extensions"]),
        messages=raw["messages"],
        key_column_names=_lower_set(raw["key_column_names"]),
        key_column_tokens=_lower_set(raw["key_column_tokens"]),
        count_header_words=_lower_set(raw["count_header_words"]),
        cpr_context_words=tuple(w.lower() for w in raw["cpr_context_words"]),
        cvr_context_words=tuple(w.lower() for w in raw["cvr_context_words"]),
        thresholds=dict(raw["thresholds"]),
        limits=dict(raw["limits"]),
        scan_limits=dict(raw["scan_limits"]),
        shape=dict(raw["shape"]),
        total_row_words=tuple(w.lower() for w in raw["total_row_words"]),
        not_count_header_words=_lower_set(raw["not_count_header_words"]),
        confidence=dict(raw["confidence"]),
    )


@lru_cache(maxsize=4)
def _load(path: str) -> TransferRules:
    with open(path, encoding="utf-8") as fh:
        return rules_from_dict(json.load(fh))


def load_rules(path: str | os.PathLike[str] | None = None) -> TransferRules:
    """The transfer rules from ``path``, ``$BOA_TRANSFER_RULES`` or the seed file (cached)."""
    chosen = path or transfer_rules_path()
    return _load(str(chosen))
