"""The report and plan in the office's standard template (the seed's case-processing guide),
as structured fields. Pure: :func:`report_fields` checks a submission and returns what is stored.

The guide asks for: the incident and the scope of the breach; a brief account of the current
rules and practice at the institution; what the institution has done in connection with the
breach, including the consequences for the user; and the measures implemented or to be
implemented — each with who, when, what and the target group ("not statements of intent").
Documentation (minutes, agendas) comes as attachments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from boa.kernel.errors import ValidationFailed

MAX_TEXT = 20_000
MAX_SHORT = 500
MAX_MEASURES = 30

# The template's text sections, in the guide's order (the field names the API takes).
SECTIONS = ("scope", "current_rules", "actions_taken", "user_consequences")
# A measure's fields (all required: a measure without who, when, what and for whom is an intention).
MEASURE_FIELDS = ("what", "who", "when", "target_group")
MEASURE_STATUS = ("implemented", "planned")


def _text(value: Any, field: str, *, limit: int = MAX_TEXT) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(f"{field} is required (the standard template).", field=field, code="template_incomplete")
    if len(text) > limit:
        raise ValidationFailed(f"{field} is longer than {limit} characters.", field=field)
    return text


def _measure(value: Any, index: int) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationFailed(f"measures[{index}] is an object.", field=f"measures[{index}]")
    out = {name: _text(value.get(name), f"measures[{index}].{name}", limit=MAX_SHORT if name != "what" else MAX_TEXT)
           for name in MEASURE_FIELDS}
    status = value.get("status") or "implemented"
    if status not in MEASURE_STATUS:
        raise ValidationFailed(f"measures[{index}].status is one of {', '.join(MEASURE_STATUS)}.",
                               field=f"measures[{index}].status")
    out["status"] = status
    return out


def report_fields(*, report: str | None, plan: str | None, sections: Mapping[str, Any],
                  measures: Sequence[Any] | None) -> dict[str, Any]:
    """The template as stored: ``incident`` (the report), ``plan`` (its summary), the sections and
    at least one measure. A missing or empty field: 422 ``template_incomplete`` naming it."""
    out: dict[str, Any] = {"incident": _text(report, "report"), "plan": _text(plan, "plan")}
    for name in SECTIONS:
        out[name] = _text(sections.get(name), name)
    items = list(measures or [])
    if not items:
        raise ValidationFailed("List at least one measure (what, who, when, target group).", field="measures",
                               code="template_incomplete")
    if len(items) > MAX_MEASURES:
        raise ValidationFailed(f"At most {MAX_MEASURES} measures.", field="measures")
    out["measures"] = [_measure(m, i) for i, m in enumerate(items)]
    return out
