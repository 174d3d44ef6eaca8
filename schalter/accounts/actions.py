"""The audit actions of staff accounts, in one place (docs/audit.md). Issue 13's readable audit
log turns these names into words."""

LOGIN_PASSWORD_FAILED = "accounts.login.password_failed"  # noqa: S105 - an action name
LOGIN_CODE_FAILED = "accounts.login.code_failed"
LOGIN_ALERTED = "accounts.login.alerted"
LOGIN_SUCCEEDED = "accounts.login.succeeded"
LOGIN_UNLOCKED = "accounts.login.unlocked"
TOTP_ENROLLED = "accounts.totp.enrolled"
USER_CREATED = "accounts.user.created"
MEMBERSHIP_GRANTED = "accounts.membership.granted"
MEMBERSHIP_VIEWED = "accounts.membership.viewed"
# Issue 13: staff managed by their office.
INVITATION_SENT = "accounts.invitation.sent"
INVITATION_ACCEPTED = "accounts.invitation.accepted"
INVITATION_WITHDRAWN = "accounts.invitation.withdrawn"
ROLES_CHANGED = "accounts.membership.roles_changed"
MEMBER_DEACTIVATED = "accounts.membership.deactivated"
MEMBER_REACTIVATED = "accounts.membership.reactivated"
LANGUAGES_CHANGED = "accounts.member.languages_changed"
SECOND_FACTOR_RESET = "accounts.totp.reset"
SECOND_FACTOR_REENROLLED = "accounts.totp.reenrolled"
ACCOUNT_ENROLLED = "accounts.user.enrolled"
OPERATOR_CREATED = "accounts.operator.created"
STAFF_LANGUAGE_CHANGED = "accounts.profile.language_changed"

FAILED_STEP = {"password": LOGIN_PASSWORD_FAILED, "code": LOGIN_CODE_FAILED}
