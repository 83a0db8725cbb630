"""New rows get names that stand out from those already there."""

from crmbid_desktop.domain.naming import first_free_name


def test_first_free_name() -> None:
    assert first_free_name("New risk", []) == "New risk"
    assert first_free_name("New risk", ["new RISK"]) == "New risk 2"
    assert first_free_name("New risk", ["New risk", "New risk 2", "New risk 4"]) == "New risk 3"
