"""Who acts. Every service that writes an audit row is told who acts (`acting_user=`, required):
a signed-in staff member (a `User`), an anonymous visitor of a public page or kiosk
(`AnonymousUser`), or a named system actor below, so the audit trail never says "nobody"."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class SystemActor:
    """Not a person: a scheduled task, a command, the client herself through a capability link."""

    name: str  # recorded on the audit row, e.g. "scheduler"
    is_authenticated: bool = False


# The client acting on her own appointment, ticket or waiting-list entry (a public page, the
# API with a manage token, a kiosk).
CLIENT = SystemActor("client")
# Scheduled work: expiring holds, reminders, waiting-list offers, retention.
SCHEDULER = SystemActor("scheduler")
# Management commands run by the operator (set-up, imports, the demo).
COMMAND = SystemActor("command")

Actor = User | AnonymousUser | SystemActor
