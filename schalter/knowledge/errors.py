"""Why a knowledge step was refused; messages in the user's language (German on staff pages)."""

from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal


class KnowledgeError(Refusal):
    """A knowledge step refused."""


class TooLarge(KnowledgeError):
    status = 413
    code = "too_large"
    message = _("The text is too long: at most 1 MB. Please split it into several articles.")


class EditConflict(KnowledgeError):
    """Someone saved a newer revision since this editor opened the article; nothing is
    overwritten: the view shows her the difference and keeps her text."""

    status = 409
    code = "edit_conflict"
    message = _(
        "Someone else changed this article while you were editing it. Your text is kept below; "
        "compare it with the new version and save again."
    )

    def __init__(self, *, head_id: int):
        super().__init__()
        self.head_id = head_id


class ChangedSinceOpened(KnowledgeError):
    status = 409
    code = "changed_since_opened"
    message = _(
        "This revision was changed after you opened it. Please read the current version before "
        "you approve it."
    )


class OwnApproval(KnowledgeError):
    status = 403
    code = "own_approval"
    message = _("A second person must approve: you cannot approve your own change.")


class NotApprover(KnowledgeError):
    status = 403
    code = "not_approver"
    message = _("Only another knowledge editor or a team lead of this office can approve.")


class WrongState(KnowledgeError):
    status = 409
    code = "wrong_state"
    message = _("This step is not possible in the revision's current state.")


class BadPeriod(KnowledgeError):
    code = "bad_period"
    message = _("The end of validity must lie after its start.")


class EmptyTitle(KnowledgeError):
    code = "empty_title"
    message = _("Give the article a title.")


class NotVisible(KnowledgeError):
    status = 404
    code = "not_visible"
    message = _("This article cannot be found.")


class NotShared(KnowledgeError):
    status = 409
    code = "not_shared"
    message = _("Only an article shared with all offices can be adopted.")


class MentionUnknown(KnowledgeError):
    code = "mention_unknown"
    message = _("%(names)s cannot see this article and cannot be mentioned.")
