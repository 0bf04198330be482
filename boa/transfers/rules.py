"""The transfer gate's rules as data and pure functions (no database, no HTTP): verdicts, notes
and the review selection. The lifecycles are in :mod:`boa.transfers.states`."""

from __future__ import annotations

from boa.transfers.states import FileState

VERDICTS = ("pending", "clean", "flagged", "unverifiable", "rejected")  # pending: while the file is verifying
TRANSFERABLE = frozenset({"clean", "flagged", "unverifiable"})
NOTE_REQUIRED = frozenset({"flagged"})
MAX_NOTE_CHARS = 4000

# Review (SPEC 6.5): every flagged and unverifiable file, plus a random sample of clean ones.
ALWAYS_REVIEWED = {"flagged": "flagged", "unverifiable": "unverifiable"}
SAMPLED_VERDICT = "clean"


def initial_file_state(verdict: str) -> FileState:
    return FileState.STAGED if verdict in TRANSFERABLE else FileState.REJECTED


def needs_note(verdict: str, note: str | None, state: str = FileState.STAGED) -> bool:
    """A flagged file that may still leave needs a note (one replaced by its protected version
    does not: it stays behind)."""
    return state != FileState.REJECTED and verdict in NOTE_REQUIRED and not (note or "").strip()


def review_reason(verdict: str, draw: float, rate: float) -> str | None:
    """Why a transferred file goes to review (``flagged``, ``unverifiable``, ``sample``) or None.

    ``draw`` is a uniform random number in [0, 1); a clean file is sampled when it is below
    ``rate`` (so a rate of 0 samples nothing and 1 samples everything)."""
    if verdict in ALWAYS_REVIEWED:
        return ALWAYS_REVIEWED[verdict]
    if verdict == SAMPLED_VERDICT and draw < rate:
        return "sample"
    return None
