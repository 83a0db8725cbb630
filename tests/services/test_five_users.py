"""Five people editing one bid on the server at once for a few seconds: no save is lost and every
conflict reported is a true one (tests/helpers/five_users.py does the editing and the audit)."""

from __future__ import annotations

from crmbid_desktop.paths import AppPaths
from tests.helpers.five_users import audit, final_state, run_users


def test_five_users_lose_no_edit_and_see_only_true_conflicts(
    server_bid: str, app_paths: AppPaths
) -> None:
    ledger = run_users(server_bid, app_paths, seconds=4, users=5, think=0.01)
    assert ledger.failures == []
    final = final_state(server_bid, app_paths, list(ledger.initial))
    result = audit(ledger, final)
    assert result.lost == []
    assert result.false_conflicts == []
    assert result.written > 50  # they really did edit, together
    assert result.conflicts > 0  # and really did collide
    # Text saves on one section by several users were merged, not refused.
    assert any(s.result.merged for s in ledger.saves)
