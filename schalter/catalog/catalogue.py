"""The common services of an immigration office (shared/research/domain.md §1.2).

Names are English msgids translated through gettext, so the catalogue speaks every language the
website does; `seed_demo` stores them as `{language: name}`. The German term of art is given to
translators in a comment.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class CatalogueEntry:
    slug: str
    name: str
    legal_basis: str
    duration_minutes: int
    base_fee: Decimal
    leika_key: str = ""
    desk_counter: bool = False  # quick matters served at the ground-floor service point


def _e(slug, name, legal_basis, minutes, fee, leika="", counter=False) -> CatalogueEntry:
    return CatalogueEntry(slug, name, legal_basis, minutes, Decimal(fee), leika, counter)


CATALOGUE: tuple[CatalogueEntry, ...] = (
    # Translators: German: Aufenthaltserlaubnis erteilen
    _e(
        "residence-permit",
        gettext_noop("Issue a residence permit"),
        "§§ 16–38a AufenthG",
        30,
        "100",
    ),
    # Translators: German: Aufenthaltserlaubnis verlängern
    _e(
        "residence-permit-extension",
        gettext_noop("Extend a residence permit"),
        "§ 8 AufenthG",
        20,
        "93",
    ),
    # Translators: German: Zweckwechsel
    _e(
        "change-of-purpose",
        gettext_noop("Change the purpose of stay"),
        "§ 45 Nr. 3 AufenthV",
        30,
        "98",
    ),
    # Translators: German: Aufenthaltserlaubnis für Fachkräfte
    _e(
        "skilled-worker",
        gettext_noop("Residence permit for skilled workers"),
        "§§ 18a, 18b AufenthG",
        25,
        "100",
    ),
    # Translators: German: Blaue Karte EU
    _e("eu-blue-card", gettext_noop("EU Blue Card"), "§ 18g AufenthG", 30, "100"),
    # Translators: German: Chancenkarte
    _e(
        "opportunity-card",
        gettext_noop("Opportunity Card (Chancenkarte)"),
        "§ 20a AufenthG",
        30,
        "100",
    ),
    # Translators: German: Aufenthaltserlaubnis zum Studium
    _e("study", gettext_noop("Residence permit for studies"), "§§ 16b, 16f AufenthG", 15, "100"),
    # Translators: German: Aufenthaltserlaubnis zur Ausbildung
    _e(
        "vocational-training",
        gettext_noop("Residence permit for vocational training"),
        "§§ 16a, 16g AufenthG",
        15,
        "100",
    ),
    # Translators: German: Aufenthaltserlaubnis für Selbständige
    _e(
        "self-employment",
        gettext_noop("Residence permit for self-employment"),
        "§ 21 AufenthG",
        15,
        "100",
        "99010020001023",
    ),
    # Translators: German: Familiennachzug
    _e(
        "family-reunification",
        gettext_noop("Family reunification"),
        "§§ 27–36 AufenthG",
        30,
        "100",
        "99010001000000",
    ),
    # Translators: German: Niederlassungserlaubnis
    _e(
        "settlement-permit",
        gettext_noop("Settlement permit"),
        "§ 9 AufenthG",
        15,
        "113",
        "99010003001000",
    ),
    # Translators: German: Erlaubnis zum Daueraufenthalt-EU
    _e(
        "eu-long-term-residence",
        gettext_noop("EU long-term residence permit"),
        "§ 9a AufenthG",
        30,
        "109",
        "99010002005000",
    ),
    # Translators: German: Aufenthaltskarte für Familienangehörige von Unionsbürgern
    _e(
        "eu-residence-card",
        gettext_noop("Residence card for family members of EU citizens"),
        "§ 5 FreizügG/EU",
        15,
        "46",
    ),
    # Translators: German: Bescheinigung des Daueraufenthalts für Unionsbürger
    _e(
        "eu-permanent-residence",
        gettext_noop("Certificate of permanent residence for EU citizens"),
        "§ 5 Abs. 5 FreizügG/EU",
        30,
        "10",
    ),
    # Translators: German: Fiktionsbescheinigung (keep the German word in brackets)
    _e(
        "fiktionsbescheinigung",
        gettext_noop("Provisional residence certificate (Fiktionsbescheinigung)"),
        "§ 81 Abs. 5 AufenthG",
        15,
        "13",
        counter=True,
    ),
    # Translators: German: Übertrag des Aufenthaltstitels in einen neuen Pass
    _e(
        "transfer-to-new-passport",
        gettext_noop("Transfer your permit to a new passport"),
        "§ 78 AufenthG",
        15,
        "67",
    ),
    # Translators: German: Abholung des elektronischen Aufenthaltstitels (eAT)
    _e(
        "card-pick-up",
        gettext_noop("Pick up your residence card"),
        "§ 78 AufenthG",
        10,
        "0",
        counter=True,
    ),
    # Translators: German: Adressänderung, PIN und Online-Ausweis des eAT
    _e(
        "card-address-pin",
        gettext_noop("Change of address or PIN on your residence card"),
        "§ 78 Abs. 7 AufenthG",
        10,
        "0",
        counter=True,
    ),
    # Translators: German: Verlust des Aufenthaltstitels
    _e("lost-card", gettext_noop("Lost residence card"), "§ 57a AufenthV", 15, "18", counter=True),
    # Translators: German: Verpflichtungserklärung
    _e(
        "declaration-of-commitment",
        gettext_noop("Declaration of commitment for a visitor (Verpflichtungserklärung)"),
        "§ 68 AufenthG",
        20,
        "29",
        "99010005000000",
    ),
    # Translators: German: Duldung
    _e("duldung", gettext_noop("Toleration (Duldung)"), "§ 60a AufenthG", 30, "62"),
    # Translators: German: Reiseausweis
    _e(
        "travel-document",
        gettext_noop("Travel document for foreigners or refugees"),
        "§ 5 AufenthV",
        15,
        "100",
        "99085005012000",
    ),
    # Translators: German: Aufenthaltserlaubnis aus humanitären Gründen
    _e(
        "humanitarian",
        gettext_noop("Residence permit on humanitarian grounds"),
        "§§ 22–25b AufenthG",
        30,
        "100",
    ),
    # Translators: German: Beschäftigungserlaubnis
    _e(
        "employment-permission",
        gettext_noop("Permission to work"),
        "§ 4a AufenthG, § 61 AsylG",
        15,
        "0",
    ),
    # Translators: German: Einbürgerung
    _e(
        "naturalisation",
        gettext_noop("Naturalisation"),
        "§§ 8–10 StAG",
        60,
        "255",
        "99099002000000",
    ),
)

# Documents to bring (§ 25 VwVfG: tell clients what to bring), shared by the services below.
DOCUMENTS = {
    "passport": gettext_noop("Valid passport"),
    "photo": gettext_noop("One biometric photo (35 × 45 mm)"),
    "current-permit": gettext_noop("Your current residence permit or visa"),
    "registration": gettext_noop("Certificate of registration (Meldebescheinigung)"),
    "health-insurance": gettext_noop("Proof of health insurance"),
    "income": gettext_noop("Proof of income: last three payslips or bank statements"),
    "rent": gettext_noop("Rental contract"),
    "application": gettext_noop("Completed application form"),
    "employment": gettext_noop("Employment contract and the employer's declaration"),
    "degree": gettext_noop("Degree certificate and its recognition"),
    "enrolment": gettext_noop("Certificate of enrolment from your university"),
    "civil-status": gettext_noop("Marriage or birth certificates with translation"),
    "german-b1": gettext_noop("Certificate of German language skills"),
    "pickup-letter": gettext_noop("The letter saying your card is ready, and the PIN letter"),
    "police-report": gettext_noop("Police report of the loss"),
    "invitee": gettext_noop("Passport copy of the person you invite"),
    "naturalisation-test": gettext_noop("Naturalisation test certificate"),
}

_BASIC = ("passport", "photo", "current-permit", "application")
_STAY = (*_BASIC, "registration", "health-insurance", "income", "rent")
SERVICE_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "residence-permit": _STAY,
    "residence-permit-extension": _STAY,
    "change-of-purpose": (*_STAY, "employment"),
    "skilled-worker": (*_STAY, "employment", "degree"),
    "eu-blue-card": (*_STAY, "employment", "degree"),
    "opportunity-card": (*_STAY, "degree"),
    "study": (*_BASIC, "enrolment", "health-insurance", "income"),
    "vocational-training": (*_BASIC, "employment", "health-insurance"),
    "self-employment": (*_STAY,),
    "family-reunification": (*_STAY, "civil-status"),
    "settlement-permit": (*_STAY, "german-b1"),
    "eu-long-term-residence": (*_STAY, "german-b1"),
    "eu-residence-card": (*_BASIC, "civil-status", "registration"),
    "eu-permanent-residence": ("passport", "registration", "income"),
    "fiktionsbescheinigung": ("passport", "current-permit"),
    "transfer-to-new-passport": ("passport", "photo", "current-permit"),
    "card-pick-up": ("passport", "pickup-letter"),
    "card-address-pin": ("passport", "current-permit", "registration"),
    "lost-card": ("passport", "photo", "police-report"),
    "declaration-of-commitment": ("passport", "income", "rent", "invitee"),
    "duldung": ("passport", "photo", "current-permit"),
    "travel-document": (*_BASIC, "registration"),
    "humanitarian": _STAY,
    "employment-permission": ("passport", "current-permit", "employment"),
    "naturalisation": (*_STAY, "german-b1", "naturalisation-test", "civil-status"),
}

# Fee reductions (AufenthV): half for minors (§ 50), none for the groups named (§§ 52, 53).
FEE_EXEMPT_GROUPS = {
    "refugee": gettext_noop("Recognised refugees and people with subsidiary protection"),
    "benefits": gettext_noop("People receiving benefits (SGB II, SGB XII, AsylbLG)"),
    "scholarship": gettext_noop("Holders of a public scholarship"),
}
SERVICE_FEE_EXEMPTIONS: dict[str, tuple[str, ...]] = {
    "residence-permit": ("refugee", "benefits"),
    "residence-permit-extension": ("refugee", "benefits"),
    "study": ("scholarship",),
    "settlement-permit": ("refugee", "benefits"),
    "fiktionsbescheinigung": ("refugee", "benefits"),
    "transfer-to-new-passport": ("benefits",),
    "duldung": ("benefits",),
    "humanitarian": ("refugee", "benefits"),
}
