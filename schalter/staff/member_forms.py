"""Forms of the staff pages about staff (members_views.py): what is typed, nothing more; the
rules (last admin, no escalation, valid links) are the services' (accounts/members.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from schalter.accounts.roles import OFFICE_ROLES, Role, capabilities_of
from schalter.kern_forms import KernFormMixin
from schalter.languages import LANGUAGES

STAFF_LANGUAGES = [(lang.code, lang.name_local) for lang in LANGUAGES if lang.code != "de-x-ls"]


def role_choices(held: frozenset[str]) -> list[tuple[str, str]]:
    """The roles someone holding `held` may give: those whose capabilities she has."""
    return [(role, Role(role).label) for role in OFFICE_ROLES if capabilities_of(role) <= held]


class InvitationForm(KernFormMixin, forms.Form):
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles in this office"), widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mail and the staff pages"), choices=STAFF_LANGUAGES
    )

    def __init__(self, *args, held: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(held)


class RolesForm(KernFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles in this office"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, held: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(role, Role(role).label) for role in OFFICE_ROLES]
        self.held = held


class SpokenLanguagesForm(KernFormMixin, forms.Form):
    languages = forms.CharField(
        label=_("Languages spoken with clients"),
        help_text=_("Language codes separated by commas, for example: de, ar, apc, kmr"),
        max_length=300,
        required=False,
    )

    def codes(self) -> list[str]:
        return self.cleaned_data["languages"].replace(";", ",").replace(" ", ",").split(",")


class NewAccountForm(KernFormMixin, forms.Form):
    """An invited person's new account: her name and password (the code comes from CodeForm)."""

    full_name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )


class PasswordSetForm(KernFormMixin, forms.Form):
    password = forms.CharField(
        label=_("New password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class StaffLanguageForm(forms.Form):
    # Named apart from any page's own `language` field: the switch sits on every staff page.
    staff_language = forms.ChoiceField(choices=STAFF_LANGUAGES)
