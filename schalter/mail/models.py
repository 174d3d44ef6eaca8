from django.db import models


class OutgoingMail(models.Model):
    """One e-mail Schalter means to send exactly once, by the key its first task was given.
    No address and no content: only what it takes never to send it twice and to try again
    until it is out (schalter/mail/services.py)."""

    key = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=64)  # e.g. "appointments.confirmed", for the logs
    attempts = models.PositiveIntegerField(default=0)
    # The attempt under way holds the mail until then; after it, the next attempt may take it
    # (its sender was killed, or it failed and waits for the SMTP server to come back).
    attempt_until = models.DateTimeField(null=True)
    # Set once the SMTP server accepted it (its 250 after DATA), or when there was nothing to
    # send (the appointment is gone): never sent again.
    done_at = models.DateTimeField(null=True)
    sent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["done_at"], name="mail_done_at")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.key}"
