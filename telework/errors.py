"""Every message a telework rule refuses with. Tests import these constants."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Lifecycle
ERROR_TRANSITION = _("This agreement is “%(status)s”: it cannot be %(action)s now.")
ERROR_NOT_YOUR_PART = _("This cannot be %(action)s by you: it is not your part to do.")
ERROR_OWN_REQUEST = _("You cannot decide on your own telework: another person must do it.")
ERROR_REASON_REQUIRED = _("Give a written reason: a refusal must always be explained.")
ERROR_NO_ACTIVE_POLICY = _(
    "%(entity)s has no active telework policy yet. HR must publish one first."
)
ERROR_NO_HR_FILE = _(
    "%(user)s has no HR file (legal entity): HR must create it before any telework."
)
ERROR_NOT_ELIGIBLE = _("The policy “%(policy)s” does not open telework to this role or team.")
ERROR_OVERLAP = _(
    "%(user)s already has a telework agreement over these dates (%(period)s). "
    "Amend or end it instead."
)
ERROR_TOO_MANY_DAYS = _(
    "The policy allows at most %(max)d telework days a week; %(count)d were chosen."
)
ERROR_TOO_MANY_MONTH_DAYS = _("The policy allows at most %(max)d occasional days a month.")
ERROR_NO_DAYS = _("Choose at least one telework day.")
ERROR_WEEKEND_DAY = _("Telework days are working days, Monday to Friday.")
ERROR_DAYS_PER_MONTH = _("Say how many occasional days a month are planned.")
ERROR_START_IN_PAST = _("The start date cannot be in the past.")
ERROR_END_BEFORE_START = _("The end date must be on or after the start date.")
ERROR_ADDRESS_REQUIRED = _("Give the address where you will telework.")
ERROR_TOO_LONG = _("At most %(limit)d characters.")
ERROR_CONTACT_ORDER = _("Contact hours must end after they start.")
ERROR_CONTACT_IN_DISCONNECT = _(
    "Contact hours cannot fall in the right-to-disconnect period (%(start)s–%(end)s)."
)
ERROR_EXCEPTIONAL_END = _("Exceptional telework needs an end date.")
ERROR_EXCEPTIONAL_REASON = _("Say why telework is imposed (epidemic, force majeure...).")
ERROR_KIND = _("Unknown kind of telework.")
ERROR_EXCEPTIONAL_NOT_REQUESTED = _(
    "Exceptional telework is not requested: HR imposes it, with a reason and an end date."
)
# Signatures
ERROR_OUTDATED_VERSION = _(
    "This text is no longer the one to sign: version %(current)d replaced it. "
    "Read the current version and sign it."
)
ERROR_ALREADY_SIGNED = _("You have already signed this version.")
ERROR_NOTHING_TO_SIGN = _("There is no version awaiting a signature.")
ERROR_CANNOT_SIGN = _("Only the employee, or HR for the employer, signs this agreement.")
# Start
ERROR_CHECKLIST_OPEN = ngettext_lazy(
    "The agreement cannot start: %(count)d required onboarding item is not done (%(items)s).",
    "The agreement cannot start: %(count)d required onboarding items are not done (%(items)s).",
    "count",
)
ERROR_NOT_STARTED_YET = _("The agreement starts on %(date)s: it cannot be activated before.")
# Ending
ERROR_NOTICE_TOO_SHORT = _(
    "With a notice of %(days)d %(unit)s, the earliest return to the office is %(date)s."
)
ERROR_RETURN_BEFORE_START = _("The return to the office must be after the start date.")
ERROR_END_NEEDS_AGREEMENT = _(
    "The adaptation period is over: ending is a request the other party must accept."
)
ERROR_END_REQUEST_PENDING = _("A request to end this agreement already awaits an answer.")
ERROR_END_REQUEST_OWN = _("The other party answers this request, not the one who made it.")
ERROR_END_REQUEST_CLOSED = _("This request has already been answered.")
ERROR_ALREADY_ENDING = _("This agreement already ends on %(date)s.")
# Amendments
ERROR_AMEND_STATUS = _("Only a signed or active agreement can be amended.")
ERROR_AMEND_PENDING = _("An amendment already awaits signatures: sign or withdraw it first.")
ERROR_AMEND_NO_CHANGE = _("Nothing changes: change the days, the place or the hours.")
ERROR_AMEND_EXCEPTIONAL = _("Exceptional telework is not amended: HR ends or re-imposes it.")
ERROR_AMEND_EFFECTIVE = _("An amendment takes effect today or later, within the agreement.")
ERROR_AMEND_LAPSED = _(
    "This amendment was to take effect on %(date)s, which has passed: it cannot be "
    "signed after the fact. Withdraw it and propose a new date."
)
# Equipment
ERROR_SERIAL_TAKEN = _("Another asset has this serial number.")
ERROR_ASSET_NOT_AVAILABLE = _("%(asset)s is not in stock (it is “%(state)s”).")
ERROR_NOT_ASSIGNED = _("This asset is not assigned to anyone: there is nothing to return.")
ERROR_ALREADY_RETURNED = _("This asset has already been returned.")
ERROR_CONDITION = _("Say in what condition the asset came back.")
ERROR_NO_IT_RULES = _("The policy has no IT usage rules to accept yet.")
ERROR_RULES_OUTDATED = _("The IT usage rules changed since you read them: read them again.")
ERROR_ACK_NOT_YOURS = _("Only the employee who holds the equipment accepts the rules.")
ERROR_PURCHASE_NOT_APPROVED = _(
    "Only a purchase approved beforehand is reimbursed; this one was not approved."
)
ERROR_PURCHASE_BEFORE_APPROVAL = _(
    "The purchase (%(bought)s) was made before its approval (%(approved)s): "
    "it cannot be reimbursed."
)
ERROR_PURCHASE_STATUS = _("This purchase is “%(status)s”: it cannot be %(action)s now.")
ERROR_AMOUNT = _("Give an amount above zero, in euros.")
ERROR_FUTURE_PURCHASE = _("A purchase date cannot be in the future.")
# Onboarding
ERROR_ITEM_DONE = _("This item is already done.")
ERROR_ITEM_NOT_YOURS = _("This item is done by %(owner)s, not by you.")
ERROR_DOCUMENT_REQUIRED = _("This item needs its document (PDF, PNG or JPEG).")
ERROR_DOCUMENT_TYPE = _("“%(name)s” is not a PDF, PNG or JPEG file (%(type)s).")
ERROR_DOCUMENT_SIZE = _("“%(name)s” is too large (%(size)s; the limit is %(limit)s).")
ERROR_DOCUMENT_EMPTY = _("“%(name)s” is empty.")
# Allowance
ERROR_MONTH_FORMAT = _("Give the month as YYYY-MM, for example 2025-03.")
ERROR_MONTH_FUTURE = _("%(month)s has not started yet: its allowance cannot be computed.")
ERROR_NO_RATE = _("No allowance rate is in force on %(date)s for “%(rates)s”.")
ERROR_PENDING_DECLARATIONS = ngettext_lazy(
    "%(count)d declaration for this month still awaits its manager (%(names)s): "
    "nothing was exported.",
    "%(count)d declarations for this month still await their manager (%(names)s): "
    "nothing was exported.",
    "count",
)
ERROR_NO_PAYROLL_NUMBER = ngettext_lazy(
    "%(count)d employee has no payroll number (%(names)s): nothing was exported.",
    "%(count)d employees have no payroll number (%(names)s): nothing was exported.",
    "count",
)
ERROR_DECLARATION_DAY = _("%(day)s cannot be declared: %(why)s.")
ERROR_DECLARATION_MONTH = _("Every declared day must fall in %(month)s.")
ERROR_DECLARATION_DECIDED = _("This declaration has already been decided.")
ERROR_DECLARATION_EXPORTED = _(
    "The allowance for %(month)s has been exported: the declaration can no longer change."
)
ERROR_ABSENCE_ORDER = _("An absence ends on or after its first day.")
ERROR_UNKNOWN_ENTITY = _("Unknown legal entity.")
# Continuity and reserve pool
ERROR_ACTIVATION_ORDER = _("The end date must be on or after the start date.")
ERROR_ACTIVATION_EMPTY = _("Nobody eligible in this scope: no agreement was created.")
ERROR_RESERVE_CONSENT = _("A former agent joins the reserve pool only with their recorded consent.")
ERROR_RESERVE_NO_CONSENT = _(
    "%(name)s has not consented (or withdrew consent): they cannot be called."
)
ERROR_RESERVE_UNAVAILABLE = _("%(name)s is marked unavailable.")
ERROR_CALLUP_ANSWERED = _("This call-up has already been answered.")
ERROR_CALLUP_ORDER = _("The end of the need must be on or after its start.")
ERROR_NAME_REQUIRED = _("Give a name.")
# Policies
ERROR_CSE_DATE = _("A charter needs the date of the CSE's opinion.")
ERROR_UNKNOWN_ROLE = _("Unknown role: %(role)s.")
ERROR_HOLIDAY_COUNTRY = _("Public holidays are not known for “%(code)s”.")
ERROR_POLICY_TEXT = _("The policy needs its text in French and in English.")
