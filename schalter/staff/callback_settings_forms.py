"""Staff forms of the callback settings page: the policy, a mailbox, a pattern of the generic
format. The bounds here give the page's first answer; callbacks/settings.py checks every value
again, whoever calls it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.callbacks.models import PromiseKind
from schalter.callbacks.settings import POLICY_LIMITS, mailbox_languages
from schalter.kern_forms import KernFormMixin
from schalter.languages import spoken_language_name


def _number(label, name: str, help_text="") -> forms.IntegerField:
    low, high = POLICY_LIMITS[name]
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, help_text=help_text, localize=False
    )


class PolicyForm(KernFormMixin, forms.Form):
    promise_kind = forms.ChoiceField(
        label=_("We promise to call back"), choices=PromiseKind.choices
    )
    promise_working_days = _number(
        _("Working days (by the end of a working day)"),
        "promise_working_days",
        _("1: by the end of the next working day."),
    )
    promise_hours = _number(_("Opening hours (within opening hours)"), "promise_hours")
    max_failed_attempts = _number(
        _("Attempts without reaching the caller before the callback closes"),
        "max_failed_attempts",
    )
    acknowledge = forms.BooleanField(
        label=_("Send callers a text message with the deadline"), required=False
    )
    sms_per_number_per_day = _number(
        _("Text messages per number per day, at most"), "sms_per_number_per_day"
    )
    sms_per_office_per_day = _number(
        _("Text messages of the office per day, at most"), "sms_per_office_per_day"
    )
    sms_countries = forms.CharField(
        label=_("Countries whose mobile numbers get text messages"),
        required=False,
        max_length=200,
        help_text=_("Country codes separated by commas, such as DE, AT. Empty: DE."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    retention_days = _number(
        _("Days after closing until recording, number and name are erased"), "retention_days"
    )


def language_choices() -> list[tuple[str, str]]:
    return [("", _("Not known"))] + [
        (code, f"{spoken_language_name(code)} ({code})") for code in mailbox_languages()
    ]


class MailboxForm(KernFormMixin, forms.Form):
    address = forms.CharField(
        label=_("Address or mailbox name"),
        max_length=254,
        help_text=_(
            "The address the phone system mails voicemails to, or the IMAP user name of the "
            "mailbox."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the callers (phone menu)"), choices=language_choices, required=False
    )
    imap_host = forms.CharField(
        label=_("IMAP server"),
        max_length=253,
        required=False,
        help_text=_("Empty: the phone system mails to Schalter's SMTP receiver."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    imap_port = forms.IntegerField(
        label=_("Port (empty: 993 with TLS, else 143)"),
        min_value=1,
        max_value=65535,
        required=False,
        localize=False,
    )
    imap_tls = forms.BooleanField(label=_("Encrypted connection (TLS)"), required=False)
    imap_folder = forms.CharField(
        label=_("Folder (empty: INBOX)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    imap_password = forms.CharField(
        label=_("Password"),
        max_length=200,
        required=False,
        strip=False,
        help_text=_("Never shown. Leave empty to keep the password."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class PatternForm(KernFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    subject = forms.CharField(
        label=_("Expression on the subject"),
        max_length=500,
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "spellcheck": "false"}),
    )
    body = forms.CharField(
        label=_("Expression on the text"),
        max_length=500,
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "spellcheck": "false"}),
    )
    attachment = forms.CharField(
        label=_("Expression on the file name of the recording"),
        max_length=500,
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "spellcheck": "false"}),
    )
    headers = forms.CharField(
        label=_("Expressions on headers"),
        required=False,
        max_length=5000,
        help_text=_("One per line: the header's name, a colon, the expression."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr", "spellcheck": "false"}),
    )
    recorded_format = forms.CharField(
        label=_("Date format of the recording time (empty: ISO 8601 or as in e-mail)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "spellcheck": "false"}),
    )
    position = forms.IntegerField(
        label=_("Order (lowest first)"), min_value=0, max_value=1000, initial=0, localize=False
    )
    verified = forms.BooleanField(
        label=_("Checked with a real voicemail of this phone system"), required=False
    )
