"""Writes for appointments, by noun: the office's offer (`offer`), availability rules and
their seats (`rules`), booking (`booking`), changes to one appointment (`changes`), arrival and
no-show (`arrival`), time blocks (`blocks`), cancelling a day (`mass_cancel`). Every name is
importable from here, as `appointments.services.appointment_book` always was."""

from schalter.appointments.capabilities import link_issue, link_opens, links_issue
from schalter.appointments.codes import CODE_ALPHABET
from schalter.appointments.errors import PlanningError
from schalter.appointments.seats import free_seat_q
from schalter.appointments.selectors import (
    appointment_by_confirm_token,
    appointment_by_token,
)
from schalter.appointments.selectors import policy_of as policy_for
from schalter.appointments.services.arrival import (
    appointment_arrival_record,
    appointment_mark_arrived,
    appointment_mark_no_show,
)
from schalter.appointments.services.blocks import (
    LONGEST_BLOCK,
    Blocked,
    time_block_add,
    time_block_remove,
    time_blocks_reapply,
)
from schalter.appointments.services.booking import Booked, appointment_book, seats_claim
from schalter.appointments.services.changes import (
    appointment_cancel,
    appointment_confirm,
    appointment_reschedule,
)
from schalter.appointments.services.mass_cancel import (
    ALTERNATIVES_OFFERED,
    CANCELLATION_REASONS,
    MassCancellation,
    appointments_cancel_by_office,
)
from schalter.appointments.services.offer import booking_policy_create, office_service_set
from schalter.appointments.services.rules import (
    RuleEnded,
    availability_rule_add,
    availability_rule_end,
    seats_generate,
)
from schalter.tokens import token_hash

__all__ = [
    "ALTERNATIVES_OFFERED",
    "CANCELLATION_REASONS",
    "CODE_ALPHABET",
    "LONGEST_BLOCK",
    "Blocked",
    "Booked",
    "MassCancellation",
    "PlanningError",
    "RuleEnded",
    "appointment_arrival_record",
    "appointment_book",
    "appointment_by_confirm_token",
    "appointment_by_token",
    "appointment_cancel",
    "appointment_confirm",
    "appointment_mark_arrived",
    "appointment_mark_no_show",
    "appointment_reschedule",
    "appointments_cancel_by_office",
    "availability_rule_add",
    "availability_rule_end",
    "booking_policy_create",
    "free_seat_q",
    "link_issue",
    "link_opens",
    "links_issue",
    "office_service_set",
    "policy_for",
    "seats_claim",
    "seats_generate",
    "time_block_add",
    "time_block_remove",
    "time_blocks_reapply",
    "token_hash",
]
