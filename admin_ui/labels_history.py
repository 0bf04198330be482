"""The access history page's words (issue 21 item 5): its form's fields, and what it says in place
when a question cannot be answered, by the refusal's code and the field it is about (the codes
are the API's, ``GET /v1/access/history``; ``dates_out_of_order`` and ``not_found`` mean here
what only this form can mean)."""

from __future__ import annotations

from admin_ui.i18n import N_

FIELDS = {"project": N_("Project"), "ident": N_("IDENT"), "from": N_("From"), "to": N_("To")}

# By "code:field" first, then by the code alone.
ERRORS = {
    "validation_failed:from": N_("Write a time with its time zone, such as 2026-03-01T12:00:00+01:00."),
    "validation_failed:to": N_("Write a time with its time zone, such as 2026-03-01T12:00:00+01:00."),
    "validation_failed:project": N_("Ask about one project or one IDENT, not both."),
    "time_in_future": N_("The time lies in the future: the history tells only the past."),
    "before_history": N_("The time lies before the access history began (%(start)s)."),
    "range_too_long": N_("The period is at most ten years."),
    "dates_out_of_order": N_("“From” lies after “To”."),
    "not_found:project": N_("No project has that number."),
    "not_found:ident": N_("No user has that IDENT."),
    "not_your_institution:project": N_("The project belongs to an institution that is not yours."),
    "not_your_institution:ident": N_("The person has never been associated with or held a role at an institution "
                                     "of yours."),
}

# The page for anyone else: its sentence is the refusal's detail (the error page translates it).
FORBIDDEN = N_("Only Research Services and an institution's responsible person may read the access history.")
