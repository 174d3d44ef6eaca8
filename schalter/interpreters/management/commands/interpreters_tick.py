from django.core.management.base import BaseCommand

from schalter.interpreters.tasks import interpreters_tick


class Command(BaseCommand):
    help = (
        "What appointments_tick runs every minute for interpreters, on its own: requests left "
        "unanswered go to the next, open requests are matched again, staff hear early when "
        "nobody is found."
    )

    def handle(self, *args, **options):
        escalated = interpreters_tick()
        self.stdout.write(f"{escalated} interpreter requests escalated")
