"""The client survey as a part an office switches on (offices/parts.py), on by default. Off: the
survey page answers 404, the finished visit's page shows no link to it, and no e-mail or text
message offers it; answers already given stay in the figures."""

from django.utils.translation import gettext_lazy as _

from schalter.offices.parts import Part

FEEDBACK = "feedback"

FEEDBACK_PART = Part(
    name=FEEDBACK,
    label=_("Client survey"),
    description=_(
        "Once a visit or a callback is finished, clients are offered a very short survey in "
        "their language, on the ticket page and by e-mail or text message."
    ),
    routes=frozenset({"public:feedback"}),
)
