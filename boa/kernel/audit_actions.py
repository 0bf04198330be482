"""The audit log's vocabulary: every action written to it, one member each, with the exact string
stored in ``audit_entries.action`` (filters and pages read these strings; they never change).

One enum, in the kernel, so that :func:`boa.kernel.audit.record` takes nothing else and a test
over the source finds every member written somewhere and nothing written that is not a member.
Where a service writes one of a family (``login.failed.pin`` or ``.code``), it names the member
through a mapping next to the call, not by building the string."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # The access decision (kernel): a denial, per action of boa.kernel.access.ACTIONS.
    ACCESS_DENIED_PORTAL = "access.denied.portal"
    ACCESS_DENIED_LOGIN = "access.denied.login"
    ACCESS_DENIED_PROJECT_ACCESS = "access.denied.project_access"
    ACCESS_DENIED_TRANSFER = "access.denied.transfer"

    # Institutions, agreements and roles (boa.people).
    INSTITUTION_CREATE = "institution.create"
    AGREEMENT_CREATE = "agreement.create"
    AGREEMENT_TERMINATE = "agreement.terminate"
    ROLE_ASSIGN = "role.assign"
    ROLE_REMOVE = "role.remove"
    # Four eyes (boa.people.four_eyes): a grant to oneself refused (own association, own role).
    GRANT_REFUSED_OWN = "grant.refused.own"

    # Association agreements and user requests (boa.people).
    ASSOCIATION_REQUEST = "association.request"
    ASSOCIATION_APPROVED = "association.approved"
    ASSOCIATION_REFUSED = "association.refused"
    ASSOCIATION_END = "association.end"
    USER_REQUEST_CREATE = "user_request.create"
    USER_REQUEST_APPROVED = "user_request.approved"
    USER_REQUEST_REFUSED = "user_request.refused"

    # Users, the user agreement and certification (boa.people).
    USER_CREATE = "user.create"
    USER_CONTACT_UPDATE = "user.contact_update"
    USER_AGREEMENT_PUBLISH = "user_agreement.publish"
    USER_AGREEMENT_ACCEPT = "user_agreement.accept"
    CERTIFICATION_START = "certification.start"  # an attempt drawn (it counts towards the day's)
    CERTIFICATION_ATTEMPT = "certification.attempt"  # an attempt scored: the score, never the answers

    # The PIN (tokens.activation): set with an activation code (new user or reset), changed, reset.
    USER_PIN_SET_ACTIVATE = "user.pin_set.activate"
    USER_PIN_SET_RESET = "user.pin_set.reset"
    USER_PIN_CHANGE = "user.pin_change"
    USER_PIN_RESET = "user.pin_reset"

    # Login, sessions and the lockout (tokens).
    LOGIN_SUCCESS = "login.success"
    LOGIN_FAILED_PIN = "login.failed.pin"
    LOGIN_FAILED_CODE = "login.failed.code"
    LOGIN_LOCKOUT_CLEARED = "login.lockout_cleared"
    LOGOUT = "logout"
    SESSION_FORCED_LOGOUT = "session.forced_logout"
    SESSION_STEP_UP = "session.step_up"
    SESSIONS_ENDED = "session.ended_by_change"
    PIN_CHANGE_FAILED = "login.failed.pin_change"
    EMAIL_CHANGE_REQUESTED = "user.email_change.requested"
    EMAIL_CHANGE_CONFIRMED = "user.email_change.confirmed"
    ENROLMENT_TICKET_ISSUED = "token.enrolment_ticket"

    # Tokens (tokens.service, tokens.challenge).
    TOKEN_ENROL = "token.enrol"
    TOKEN_APPROVE = "token.approve"
    TOKEN_SHIP = "token.ship"
    TOKEN_ACTIVATE = "token.activate"
    TOKEN_REPLACED = "token.replaced"
    TOKEN_REVOKE = "token.revoke"
    TOKEN_DISABLE = "token.disable"
    TOKEN_LOST = "token.lost"
    TOKEN_REPLACEMENT_REQUESTED = "token.replacement_requested"
    TOKEN_REBIND = "token.rebind"
    TOKEN_DISABLED_AFTER_FAILURES = "token.disabled_after_failures"
    TOKEN_SEEDS_IMPORT = "token.seeds_import"

    # Service clients of other systems (tokens.service_clients).
    SERVICE_CLIENT_CREATE = "service_client.create"
    SERVICE_CLIENT_FAILED = "service_client.failed"

    # The research servers' RADIUS front door (tokens.radius): the gateways and every attempt.
    RADIUS_CLIENT_ADD = "radius.client.add"
    RADIUS_CLIENT_REMOVE = "radius.client.remove"
    RADIUS_CHALLENGE = "radius.challenge"
    RADIUS_ACCEPT = "radius.accept"
    RADIUS_REJECT = "radius.reject"

    # Projects and their members (schemes.projects).
    PROJECT_CREATE = "project.create"
    PROJECT_DELETION_DATE = "project.deletion_date"
    PROJECT_DELETION_APPROVED = "project.deletion_approved"
    PROJECT_MEMBER_ADD = "project.member.add"
    PROJECT_MEMBER_APPROVE = "project.member.approve"
    PROJECT_MEMBER_ACTIVATE = "project.member.activate"
    PROJECT_MEMBER_END = "project.member.end"

    # The register catalogue (boa.registers): the seed file loaded, staff maintaining it.
    REGISTER_CATALOGUE_LOAD = "register.catalogue_load"
    REGISTER_ADD = "register.add"
    REGISTER_CHANGE = "register.change"
    REGISTER_RELEASE = "register.release"
    REGISTER_CLOSE = "register.close"
    REGISTER_VARIABLE_ADD = "register.variable.add"
    REGISTER_VARIABLE_CHANGE = "register.variable.change"

    # The schemes: researcher proposals, project databases, authority schemes, the law model.
    PROPOSAL_CREATE = "proposal.create"
    PROPOSAL_EDIT = "proposal.edit"
    PROPOSAL_TRANSITION = "proposal.transition"
    PROPOSAL_VARIABLE_DESCRIPTION = "proposal.variable_description"
    PROPOSAL_SIGN = "proposal.sign"
    PROPOSAL_QUOTE = "proposal.quote"
    PROPOSAL_OWNER_REPLACED = "proposal.owner_replaced"
    PROJECT_DATABASE_CREATE = "project_database.create"
    PROJECT_DATABASE_MANAGERS = "project_database.managers"
    PROJECT_DATABASE_EXTEND = "project_database.extend"
    PROJECT_DATABASE_CLOSE = "project_database.close"
    PROJECT_DATABASE_DATASETS_ADD = "project_database.datasets_add"
    PROJECT_DATABASE_NARROW = "project_database.narrow"
    PROJECT_DATABASE_MOVE = "project_database.move_to_sub_project"
    PROJECT_DATABASE_RESPONSIBLE = "project_database.responsible"
    PROJECT_DATABASE_ASSESS = "project_database.assess"
    AUTHORITY_CREATE = "authority.create"
    AUTHORITY_PURPOSE = "authority.purpose"
    AUTHORITY_AGREEMENT = "authority.agreement"
    AUTHORITY_NEED = "authority.need"
    AUTHORITY_DELIVERY = "authority.delivery"
    LAW_MODEL_ESTABLISH = "law_model.establish"

    # The transfer gate (boa.transfers).
    TRANSFER_UPLOAD = "transfer.upload"
    TRANSFER_SCANNED = "transfer.scanned"
    TRANSFER_NOTE = "transfer.note"
    TRANSFER_FILE_STORE = "transfer.file.store"
    TRANSFER_SUBMIT = "transfer.submit"
    TRANSFER_FILE_DOWNLOAD = "transfer.file.download"
    TRANSFER_FILE_DELETE = "transfer.file.delete"
    TRANSFER_FILE_PROTECT = "transfer.file.protect"
    TRANSFER_REVIEW = "transfer.review"
    TRANSFER_FILES_ADD = "transfer.files.add"
    TRANSFER_FILE_REMOVE = "transfer.file.remove"
    TRANSFER_DISCARD = "transfer.discard"
    TRANSFERS_SWEPT = "transfers.swept"

    # Breach cases and locks (boa.sanctions).
    BREACH_REGISTERED = "breach.registered"
    BREACH_REPORT_SUBMITTED = "breach.report_submitted"
    BREACH_REPORT_ASSESSED = "breach.report_assessed"
    BREACH_ATTACHMENT_ADDED = "breach.attachment_added"
    BREACH_PREPARED = "breach.prepared"
    BREACH_DECIDED = "breach.decided"
    BREACH_DISCLOSURE_CONTROL = "breach.disclosure_control"
    BREACH_DISMISSED = "breach.dismissed"
    LOCK_LIFTED = "lock.lifted"

    # Commissioned statistics (boa.commissions).
    COMMISSION_REQUEST = "commission.request"
    COMMISSION_WITHDRAW = "commission.withdraw"
    COMMISSION_CLARIFY = "commission.clarify"
    COMMISSION_QUOTE = "commission.quote"
    COMMISSION_ACCEPT = "commission.accept"
    COMMISSION_CONTRACT = "commission.contract"
    COMMISSION_PRODUCTION = "commission.production"
    COMMISSION_TIME = "commission.time"
    COMMISSION_DELIVER = "commission.deliver"
    COMMISSION_ADVICE = "commission.advice"
    COMMISSION_ERROR_REPORTED = "commission.error_reported"
    COMMISSION_CUSTOMER_DATA = "commission.customer_data"
    COMMISSION_CUSTOMER_DATA_DELETED = "commission.customer_data_deleted"
    COMMISSION_SUB_INVOICE = "commission.sub_invoice"
    COMMISSION_GUEST_REQUEST = "commission.guest_request"
    COMMISSION_GUEST_CONFIRM = "commission.guest_confirm"
