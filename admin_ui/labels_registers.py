"""The register catalogue's words: update frequencies, register states and the catalogue's error
codes (merged into :data:`admin_ui.labels.KINDS` and :data:`admin_ui.labels.ERRORS`)."""

from __future__ import annotations

from admin_ui.i18n import N_

FREQUENCIES = {
    "yearly": N_("Yearly"),
    "quarterly": N_("Quarterly"),
    "monthly": N_("Monthly"),
    "weekly": N_("Weekly"),
    "irregular": N_("Irregularly"),
}

REGISTER_STATES = {
    "unreleased": N_("Not yet released"),
    "released": N_("Released"),
    "closed": N_("Closed"),
}

ERRORS = {
    "duplicate_register": N_("The catalogue already has a register with that code."),
    "duplicate_variable": N_("The register already has a variable with that name."),
    "variable_named_twice": N_("A variable is named twice."),
    "invalid_register_code": N_("A register code is 2-20 letters A-Z, digits or underscores, starting with a "
                                "letter."),
    "invalid_variable_name": N_("A variable name is 1-40 letters A-Z, digits or underscores, starting with a "
                                "letter."),
    "invalid_year": N_("That is not a plausible year: from 1900 to five years from now."),
    "last_year_before_first_year": N_("The last year is before the first year."),
    "already_released": N_("The register is already released."),
    "already_closed": N_("The register is already closed."),
    "register_not_released": N_("Only a released register can be closed."),
}
