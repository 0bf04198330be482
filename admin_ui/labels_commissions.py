"""The consulting service's error codes in the reader's language (merged into
:data:`admin_ui.labels.ERRORS`)."""

from __future__ import annotations

from admin_ui.i18n import N_

ERRORS = {
    "not_commissioned": N_("The service is not commissioned: the customer has not accepted a quotation in writing."),
    "contract_required": N_("A service above DKK 25,000 excl. VAT or on special terms needs a signed contract "
                            "first."),
    "production_not_started": N_("Production has not started."),
    "quotation_expired": N_("The quotation has expired; ask for a new one."),
    "quotation_not_open": N_("That quotation is no longer open."),
    "not_quoted": N_("There is no quotation to accept."),
    "invalid_hours": N_("Hours are a number from 0 with at most two decimals."),
    "invalid_minutes": N_("Minutes are a whole number from 1."),
    "own_list_terms": N_("Your own population needs prior agreement, encrypted submission and a data processor "
                         "agreement."),
    "survey_not_needed": N_("An initial survey is offered when the clarification takes more than an hour."),
    "ceiling_required": N_("A framework agreement has a ceiling of hours."),
    "tables_required": N_("A fixed price lists the tables it covers."),
    "estimate_required": N_("An initial survey comes with a non-binding estimate."),
    "invalid_consultant": N_("The consultant is a member of Research Services (an IDENT)."),
    "email_required": N_("A request needs your e-mail address."),
    "advice_used": N_("The 15 minutes of included advice are used."),
    "advice_period_over": N_("The included advice is for the first month after delivery."),
    "correction_period_over": N_("Errors are corrected when reported within 30 days of the delivery."),
    "not_delivered": N_("The service is not delivered."),
    "no_own_list": N_("This request does not use your own population."),
    "not_in_production": N_("A sub-invoice is for a service in production."),
    "sub_invoice_too_soon": N_("A sub-invoice is for a long service: at most one a month of production."),
    "nothing_to_invoice": N_("No registered time is left uninvoiced."),
    "invalid_table_name": N_("A table's name has letters, digits, spaces, - and _ (at most 100)."),
    "duplicate_table": N_("Two tables in the delivery have the same name."),
    "guest_not_allowed": N_("Without a BOA user you can ask for a new service from the total or a delimited "
                            "population."),
    "not_confirmed": N_("The customer has not confirmed their e-mail address yet."),
}
