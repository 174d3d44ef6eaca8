from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from schalter.accounts.actors import SCHEDULER
from schalter.accounts.services import sign_in_records_prune
from schalter.appointments.reminders import reminders_send
from schalter.appointments.retention import rate_limits_prune
from schalter.appointments.selectors import policy_of
from schalter.appointments.services import seats_generate, time_blocks_reapply
from schalter.appointments.waitlist import waitlist_offer_freed
from schalter.mail.services import mail_records_prune
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.offices.retention import personal_data_erase
from schalter.offices.ticks import ticks_run


class Command(BaseCommand):
    help = (
        "Run every minute (cron or a worker): create seats for newly released days, offer "
        "freed times to the waiting list, send reminders, delete personal data on schedule, "
        "and run the minute's work every other app registered (offices/ticks.py)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        rate_limits_prune(now=now)
        sign_in_records_prune(now=now)  # failed staff sign-ins outlive no lock
        mail_records_prune(now=now)  # what was sent long ago can be sent no more
        for office in Office.objects.all():
            today = local_date(office, now)
            horizon = policy_of(office).horizon_days
            seats = seats_generate(
                office=office, first_day=today, last_day=today + timedelta(days=horizon)
            )
            time_blocks_reapply(office=office, now=now)  # new seats inside blocked times
            # The tick is scheduled work, run every minute: the scheduler acts.
            offers = waitlist_offer_freed(office=office, now=now, acting_user=SCHEDULER)
            reminded = reminders_send(office=office, now=now)
            purged = personal_data_erase(office=office, now=now)  # every app's, registered
            self.stdout.write(
                f"{office.slug}: {seats} new seats, {offers} waiting-list offers, "
                f"{reminded} reminders, {purged} records anonymised"
            )
        for line in ticks_run(now=now):  # interpreters' escalations, and what else registered
            self.stdout.write(line)
