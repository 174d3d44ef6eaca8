from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from schalter.accounts.actors import COMMAND
from schalter.accounts.members import MemberRefusal, operator_create
from schalter.links import public_url


class Command(BaseCommand):
    help = (
        "Make (or find, by e-mail address) the account of an operator of the installation, give "
        "it the operator role and print a single-use link to set its password and enrol its "
        "second factor. The first operator of a fresh installation needs no superuser."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        try:
            user, token = operator_create(email=email, acting_user=COMMAND, now=timezone.now())
        except MemberRefusal as refusal:
            raise CommandError(str(refusal.message)) from refusal
        link = public_url(reverse("staff:account_link") + "?" + urlencode({"token": token}))
        self.stdout.write(
            f"Operator {user.username}: open this link once to set a password and enrol an "
            "authenticator (it expires; run the command again for a new one):"
        )
        self.stdout.write(link)
