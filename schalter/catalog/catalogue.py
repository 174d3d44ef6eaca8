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

# What each service is (summary) and who needs it (audience), shown on the service pages. Short:
# one or two sentences each, so the page stays small and translators keep up.
SERVICE_TEXTS: dict[str, tuple[str, str]] = {
    "residence-permit": (
        gettext_noop("A residence permit lets you live in Germany for a set purpose and time."),
        gettext_noop("For people from outside the EU who want to stay longer than a visa allows."),
    ),
    "residence-permit-extension": (
        gettext_noop("We extend your residence permit if the reason for your stay continues."),
        gettext_noop("For people whose permit ends soon. Apply before it runs out."),
    ),
    "change-of-purpose": (
        gettext_noop("You get a new permit when the reason for your stay changes."),
        gettext_noop("For example, if you finish your studies and start a job."),
    ),
    "skilled-worker": (
        gettext_noop("A residence permit for work that needs a vocational or university degree."),
        gettext_noop("For qualified people with a job offer in Germany."),
    ),
    "eu-blue-card": (
        gettext_noop("A residence permit for highly qualified workers with a good salary."),
        gettext_noop("For university graduates with a job offer above the Blue Card salary."),
    ),
    "opportunity-card": (
        gettext_noop("The Opportunity Card lets you look for work in Germany for up to a year."),
        gettext_noop("For qualified people who want to find a job here."),
    ),
    "study": (
        gettext_noop("A residence permit for studying at a university in Germany."),
        gettext_noop("For students from outside the EU and for people preparing to study."),
    ),
    "vocational-training": (
        gettext_noop("A residence permit for vocational training in a company or school."),
        gettext_noop("For people from outside the EU with a training contract."),
    ),
    "self-employment": (
        gettext_noop("A residence permit to run your own business or work freelance."),
        gettext_noop("For founders and freelancers with a business plan and financing."),
    ),
    "family-reunification": (
        gettext_noop("Spouses, children and some parents can join family members in Germany."),
        gettext_noop("For family members of people who live in Germany."),
    ),
    "settlement-permit": (
        gettext_noop("A settlement permit lets you stay in Germany without a time limit."),
        gettext_noop("For people who have lived here for some years and meet the conditions."),
    ),
    "eu-long-term-residence": (
        gettext_noop("A permanent permit that also makes it easier to move to other EU states."),
        gettext_noop("For people who have lived in Germany for five years."),
    ),
    "eu-residence-card": (
        gettext_noop("A card that confirms the right of residence of family members."),
        gettext_noop("For non-EU family members of EU citizens who live in Germany."),
    ),
    "eu-permanent-residence": (
        gettext_noop("A certificate that you have the right of permanent residence."),
        gettext_noop("For EU citizens and their families after five years in Germany."),
    ),
    "fiktionsbescheinigung": (
        gettext_noop("A paper that proves your stay is legal while we decide on your application."),
        gettext_noop("For people who applied in time and are waiting for a decision."),
    ),
    "transfer-to-new-passport": (
        gettext_noop("We link your residence permit to your new passport."),
        gettext_noop("For people who got a new passport."),
    ),
    "card-pick-up": (
        gettext_noop("Collect your electronic residence card (eAT) when it is ready."),
        gettext_noop("For people who received a letter that their card is ready."),
    ),
    "card-address-pin": (
        gettext_noop("We update the address on your card or reset its PIN."),
        gettext_noop("For people who moved or forgot their PIN."),
    ),
    "lost-card": (
        gettext_noop("Report a lost or stolen residence card and apply for a new one."),
        gettext_noop("For people whose card was lost, stolen or damaged."),
    ),
    "declaration-of-commitment": (
        gettext_noop("You promise to pay the costs of a visitor's stay in Germany."),
        gettext_noop("For people who invite a visitor who needs a visa."),
    ),
    "duldung": (
        gettext_noop("A Duldung means your deportation is suspended for a time."),
        gettext_noop("For people who must leave but cannot leave for now."),
    ),
    "travel-document": (
        gettext_noop("A travel document replaces a passport when you cannot get one."),
        gettext_noop("For refugees, stateless people and people without a passport."),
    ),
    "humanitarian": (
        gettext_noop("A residence permit for protection and humanitarian reasons."),
        gettext_noop("For refugees and people with a protection status."),
    ),
    "employment-permission": (
        gettext_noop("Permission to take up a job when your permit does not allow work."),
        gettext_noop("For asylum seekers, people with a Duldung and others with a job offer."),
    ),
    "naturalisation": (
        gettext_noop("Become a German citizen."),
        gettext_noop(
            "For people who have lived in Germany for five years and meet the conditions."
        ),
    ),
}
