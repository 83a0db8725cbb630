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


def check_status_change(
    section_label: str,
    new_status: str,
    unresolved_comments: int,
    *,
    reviewer: str,
    words: int,
    word_limit: int | None,
) -> None:
    """Raise `WorkflowError` if `section_label` may not move to `new_status`.

    Approval means someone named read text that fits: it needs a reviewer, some text and no
    more words than the limit, so an empty or overlong section cannot pass as ready to send.
    """
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
    if new_status != APPROVED:
        return
    if not reviewer.strip():
        raise WorkflowError(
            f"Section {section_label} cannot be approved: it names no reviewer. Set who "
            "reviewed it in the section's details first."
        )
    if words == 0:
        raise WorkflowError(f"Section {section_label} cannot be approved: it has no text yet.")
    if word_limit is not None and words > word_limit:
        raise WorkflowError(
            f"Section {section_label} cannot be approved: it has {words:,} words, "
            f"{words - word_limit:,} over its limit of {word_limit:,}."
        )


def status_after_clarification(current: str) -> str | None:
    """An approved section goes back to review when a clarification's answer affects it."""
    return READY_FOR_REVIEW if current == APPROVED else None
