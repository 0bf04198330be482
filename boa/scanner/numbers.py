"""CPR and CVR numbers in text: fast candidates with RE2, judged in Python.

Candidates are ``DDMMYY-XXXX``, ``DDMMYY XXXX``, ten digits or eight digits standing alone (``\\b``: not
part of a longer digit or letter run). A candidate is dropped when it is part of a decimal
number (``0.0101901234``, ``0101901234,5``). A ten-digit candidate is a CPR only if its date is
valid by the century rule; an eight-digit one is a CVR only if modulus 11 holds and a CVR
context word is near (unless ``ScanConfig.cvr_without_context``), because one in eleven
eight-digit amounts passes modulus 11.
"""

from __future__ import annotations

from typing import Any

import re2

from boa.scanner.cpr import cpr_mod11, is_valid_cpr, is_valid_cvr, mask
from boa.scanner.normalize import normalize
from boa.scanner.report import Findings, ScanConfig

CANDIDATE = r"\b(?:[0-9]{6}[- ]?[0-9]{4}|[0-9]{8})\b"
BYTES_RX = re2.compile(CANDIDATE.encode("ascii"))
STR_RX = re2.compile(CANDIDATE)
CONTEXT_BEFORE = 80
CONTEXT_AFTER = 20


def _is_decimal_part(before: str, after: str) -> bool:
    if before[-1:] in (".", ",") and before[-2:-1].isdigit():
        return True
    return after[:1] in (".", ",") and after[1:2].isdigit()


class NumberJudge:
    """Turns candidate digit strings into ``cpr_number`` / ``cvr_number`` findings."""

    def __init__(self, config: ScanConfig, findings: Findings):
        self.config = config
        self.findings = findings
        rules = config.rules
        self.cpr_words = rules.cpr_context_words
        self.cvr_words = rules.cvr_context_words
        self.weights = rules.confidence

    def judge(self, digits: str, before: str, after: str, context: str, where: dict[str, Any]) -> None:
        if _is_decimal_part(before, after):
            return
        if len(digits) == 8:
            self._cvr(digits, context, where)
        elif is_valid_cpr(digits, self.config.today):
            w = self.weights
            confidence = w["cpr_base"]
            notes = []
            if cpr_mod11(digits):
                confidence += w["cpr_mod11"]
                notes.append("passes modulus 11")
            if any(word in context for word in self.cpr_words):
                confidence += w["cpr_context"]
                notes.append("CPR context word nearby")
            extra = f" ({', '.join(notes)})" if notes else ""
            self.findings.add("cpr_number", where, mask(digits), confidence,
                              f"Looks like a CPR number with a valid birth date{extra}")

    def _cvr(self, digits: str, context: str, where: dict[str, Any]) -> None:
        if not is_valid_cvr(digits):
            return
        has_context = any(word in context for word in self.cvr_words)
        if not has_context and not self.config.cvr_without_context:
            return
        w = self.weights
        confidence = w["cvr_base"] + (w["cvr_context"] if has_context else 0.0)
        self.findings.add("cvr_number", where, mask(digits), confidence,
                          "Looks like a CVR number (8 digits, modulus 11)")

    def scan_text(self, text: str, where: dict[str, Any], column_name: str | None = None) -> None:
        """Judge every candidate in a piece of text (a cell, a paragraph, a line), normalised."""
        if len(text) < 8:
            return
        text = normalize(text)
        header = (column_name or "").lower()
        for m in STR_RX.finditer(text):
            s, e = m.start(), m.end()
            context = text[max(0, s - CONTEXT_BEFORE): e + CONTEXT_AFTER].lower() + " " + header
            self.judge(m.group().replace("-", "").replace(" ", ""), text[max(0, s - 2): s], text[e: e + 2], context, where)

    def scan_value(self, value: Any, where: dict[str, Any], column_name: str | None = None) -> None:
        """Judge a cell value: text is scanned, whole numbers of 8–10 digits are candidates
        (a CPR stored as a number loses its leading zero, so nine digits are padded)."""
        if isinstance(value, str):
            self.scan_text(value, where, column_name)
            return
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 10_000_000 <= value < 10_000_000_000:
            digits = str(value)
            if len(digits) == 9:
                digits = "0" + digits
            self.judge(digits, "", "", (column_name or "").lower(), where)
