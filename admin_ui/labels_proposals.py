"""The proposals' words: their error codes (merged into :data:`admin_ui.labels.ERRORS`) and the
changes a re-proposal shows."""

from __future__ import annotations

from admin_ui.i18n import N_

ERRORS = {
    "unreleased_data": N_("A register that is not yet released can be ordered only for project databases and the "
                          "projects of authority schemes."),
    "years_outside_span": N_("A year is outside the years the register covers."),
    "register_named_twice": N_("A register is named twice."),
    "variable_named_twice": N_("A variable is named twice."),
    "year_named_twice": N_("A year is named twice."),
    "segment_named_twice": N_("Two population segments have the same name."),
    "population_segment_changed": N_("A segment of the valid proposal keeps its delimitation: make a new segment for "
                                      "a changed population, or add an appendix for an extension."),
    "data_not_stated": N_("A re-proposal restates all its data: name the registers or the external data."),
    "variable_description_columns": N_("The variable description's columns do not match: it needs the columns "
                                       "variable and pseudonymise (and may have label)."),
    "variable_description_invalid": N_("The variable description cannot be read: check its names and marks."),
    "no_variable_to_pseudonymise": N_("Mark the variables to pseudonymise (at least the key that links the data)."),
    "signature_missing": N_("The institution's signatory has not signed the proposal yet."),
    "already_signed": N_("The proposal is signed already."),
    "not_sent_for_signature": N_("The proposal is not sent for signature."),
    "not_project_owner": N_("Only the project's owner in Research Services sends the price quote."),
    "quote_not_expected": N_("A price quote is sent once the proposal is with Research Services, before the "
                             "delivery."),
    "quote_expired": N_("The quote's validity date has passed."),
    "no_contact_email": N_("The project's contact person has no e-mail address."),
    "proposal_approval_required": N_("Only the Head of Division for the Data Portal approves proposals."),
    "invoice_not_expected": N_("An invoice is recorded with the delivery."),
    "file_required": N_("Choose a file."),
}

CHANGES = {
    "added": N_("added"),
    "removed": N_("removed"),
    "changed": N_("changed"),
    "appendices_added": N_("appendix added"),
}
