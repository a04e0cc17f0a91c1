"""Password hashing, the account store, and the Korean formatting of money."""

from __future__ import annotations

from ui.auth import UserStore, demo_accounts, hash_password, seed_demo_users, verify_password
from ui.i18n import LABELS, krw, krw_man, t


def test_hashes_are_salted_and_verified():
    first, second = hash_password("secret"), hash_password("secret")
    assert first != second and first.startswith("scrypt$") and "secret" not in first
    assert verify_password("secret", first) and not verify_password("Secret", first)
    assert not verify_password("secret", "plain") and not verify_password("secret", "md5$1$1$1$AA==$AA==")


def test_store_authenticates_and_stores_no_plaintext(tmp_path):
    store = UserStore(tmp_path / "users.sqlite")
    assert seed_demo_users(store, ["T01", "T02"]) == 5  # manager, analyst, two tenants, a worker of T01
    assert seed_demo_users(store, ["T01", "T02"]) == 0  # only into an empty store
    who = store.authenticate("T01", "T01-demo")
    assert (who.username, who.role, who.participant) == ("T01", "tenant", "T01")
    assert store.authenticate("T01", "T02-demo") is None and store.authenticate("nobody", "x") is None
    assert store.authenticate("manager", "manager-demo").sees_park
    assert not store.authenticate("analyst", "analyst-demo").may_run
    worker = store.authenticate("T01-W0001", "T01-W0001-demo")
    assert (worker.role, worker.worker_id) == ("worker", "T01-W0001") and not worker.sees_park
    store.close()
    assert b"T01-demo" not in (tmp_path / "users.sqlite").read_bytes()
    assert [a[0] for a in demo_accounts(["T01"])] == ["manager", "analyst", "T01", "T01-W0001"]


def test_korean_won():
    assert krw(12_345_678) == "₩12,345,678" and krw(-1500.4) == "-₩1,500"
    assert krw_man(12_340_000) == "1,234만 원"
    assert krw_man(123_450_000) == "1억 2,345만 원"
    assert krw_man(200_000_000) == "2억 원"
    assert krw_man(8_500) == "8,500원" and krw_man(-12_340_000) == "-1,234만 원"


def test_every_label_has_both_languages():
    assert all(set(entry) == {"ko", "en"} and all(entry.values()) for entry in LABELS.values())
    assert t("page_re100", "en") == "RE100" and t("unknown-key") == "unknown-key"
