"""IMAP passwords kept encrypted (schalter/secrets.py): the column grows to hold the ciphertext,
and the passwords saved before are sealed with the first of SCHALTER_SECRETS_KEYS (backwards:
opened again, for a release without encryption)."""

from django.db import migrations, models

from schalter.secrets import secret_open, secret_seal


def passwords_seal(apps, schema_editor):
    """Every password stored so far is plain text (this release is the first to seal)."""
    mailboxes = apps.get_model("callbacks", "CallbackMailbox")
    for mailbox in mailboxes.objects.exclude(imap_password="").only("imap_password"):
        mailbox.imap_password = secret_seal(mailbox.imap_password)
        mailbox.save(update_fields=["imap_password"])


def passwords_open(apps, schema_editor):
    """Back to plain text; a password no key opens stops the migration (SecretUnreadable)."""
    mailboxes = apps.get_model("callbacks", "CallbackMailbox")
    for mailbox in mailboxes.objects.exclude(imap_password="").only("imap_password"):
        mailbox.imap_password = secret_open(mailbox.imap_password)
        mailbox.save(update_fields=["imap_password"])


class Migration(migrations.Migration):
    dependencies = [
        ("callbacks", "0003_mailbox_settings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="callbackmailbox",
            name="imap_password",
            field=models.CharField(blank=True, max_length=1200),
        ),
        migrations.RunPython(passwords_seal, passwords_open, elidable=False),
    ]
