from django.core.management.base import BaseCommand

from schalter.accounts.actors import COMMAND
from schalter.accounts.services import sign_in_locks_clear


class Command(BaseCommand):
    help = (
        "Lift every sign-in lock of a staff user name, at every address, and start its count of "
        "failures afresh (an admin's way to let someone back in before the lock ends)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        lifted = sign_in_locks_clear(username=username, acting_user=COMMAND)
        self.stdout.write(f"{username}: {lifted} lock(s) lifted.")
