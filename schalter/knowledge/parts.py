"""The knowledge base as a part an office switches on (offices/parts.py). Off: its staff pages
answer 404 and no banner or public summary shows; its articles stay and come back when it is
switched on again."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.roles import Capability
from schalter.knowledge.selectors import KNOWLEDGE
from schalter.offices.parts import MenuItem, Part

KNOWLEDGE_BASE = Part(
    name=KNOWLEDGE,
    label=_("Knowledge base"),
    description=_(
        "Articles on the law and the office's practice, tied to its services, with approval by a "
        "second person, required reading, and exchange with the other offices."
    ),
    routes=frozenset(
        {
            "staff:knowledge",
            "staff:knowledge_new",
            "staff:knowledge_reading",
            "staff:knowledge_notes",
            "staff:knowledge_note_create",
            "staff:knowledge_others",
            "staff:knowledge_article",
            "staff:knowledge_edit",
            "staff:knowledge_submit",
            "staff:knowledge_revision",
            "staff:knowledge_approve",
            "staff:knowledge_compare",
            "staff:knowledge_read",
            "staff:knowledge_adopt",
            "staff:knowledge_comment",
        }
    ),
    menu=(
        MenuItem(_("Knowledge"), "staff:knowledge", Capability.READ_KNOWLEDGE),
        MenuItem(_("Required reading"), "staff:knowledge_reading", Capability.APPROVE_KNOWLEDGE),
    ),
)
