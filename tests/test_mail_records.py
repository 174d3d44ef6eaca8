"""Records of sent mails are forgotten once no task could send them again; unsent ones stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from schalter.mail.models import OutgoingMail
from schalter.mail.services import DONE_KEPT, mail_records_prune

pytestmark = pytest.mark.django_db


def test_old_sent_mails_are_pruned_and_waiting_ones_kept():
    now = timezone.now()
    long_ago = now - DONE_KEPT - timedelta(hours=1)
    OutgoingMail.objects.create(key="old-sent", purpose="t", done_at=long_ago, sent=True)
    OutgoingMail.objects.create(key="recent", purpose="t", done_at=now - timedelta(days=1))
    waiting = OutgoingMail.objects.create(key="waiting", purpose="t", attempts=5)
    OutgoingMail.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    assert mail_records_prune(now=now) == 1
    assert set(OutgoingMail.objects.values_list("key", flat=True)) == {"recent", "waiting"}
