"""E-mails in the demo's terminal as a person reads them: sender, recipient, subject and the
plain text with its links, instead of the MIME source (base64 for any non-ASCII text)."""

from django.core.mail.backends.console import EmailBackend
from django.core.mail.message import EmailMessage


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        rule = "-" * 79
        self.stream.write(
            f"{rule}\nFrom: {message.from_email}\nTo: {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n{message.body}\n{rule}\n"
        )
