"""Rules for a section's review workflow: its statuses and when a section may be approved."""

from __future__ import annotations

NOT_STARTED = "not started"
DRAFTING = "drafting"
READY_FOR_REVIEW = "ready for review"
APPROVED = "approved"

#: In the order a section moves through them.
STATUSES: tuple[str, ...] = (NOT_STARTED, DRAFTING, READY_FOR_REVIEW, APPROVED)


def status_after_writing(current: str, body: str) -> str | None:
    """A section not started moves to drafting on its first words; nothing else moves by itself."""
    return DRAFTING if current == NOT_STARTED and body.strip() else None


class WorkflowError(ValueError):
    """A status change the review rules do not allow; the message says why, for the user."""


def check_status_change(section_label: str, new_status: str, unresolved_comments: int) -> None:
    """Raise `WorkflowError` if `section_label` may not move to `new_status`."""
    if new_status not in STATUSES:
        allowed = ", ".join(STATUSES)
        raise WorkflowError(
            f"Section {section_label}: '{new_status}' is not a status (use one of: {allowed})."
        )
    if new_status == APPROVED and unresolved_comments:
        noun = "comment" if unresolved_comments == 1 else "comments"
        raise WorkflowError(
            f"Section {section_label} cannot be approved: it has {unresolved_comments} "
            f"unresolved review {noun}. Resolve them first."
        )


def status_after_clarification(current: str) -> str | None:
    """An approved section goes back to review when a clarification's answer affects it."""
    return READY_FOR_REVIEW if current == APPROVED else None
