"""`custodian policy replay DRAFT_DIR`: every recorded decision decided again under a draft,
and exactly the ones that change are listed (sealed cases counted, never listed)."""

import datetime as dt
import json

import pytest
from django.test import override_settings
from typer.testing import CliRunner

from custodian.cli import app
from custodian.policy.replay import Item, Outcome, category, profile_files, ruled
from tests.audit import decision_library as lib

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sonoma")]


@pytest.fixture
def sonoma():
    with override_settings(CUSTODIAN_PROFILE=lib.PROFILE):
        yield


@pytest.fixture
def week():
    return lib.record_a_week()


def replay(*args) -> tuple[int, dict | str]:
    result = CliRunner().invoke(app, ["policy", "replay", *map(str, args)])
    if "--json" in args and result.exit_code == 0:
        return result.exit_code, json.loads(result.stdout)
    return result.exit_code, result.output


def changes_by_ref(report: dict) -> dict[str, dict]:
    rows = {row["ref"]: row for row in report["changes"]}
    assert len(rows) == len(report["changes"]), "one row per decision"
    return rows


def test_an_unchanged_draft_changes_nothing(tmp_path, week):
    code, report = replay(lib.copy_profile(tmp_path), "--json")
    assert code == 0
    assert report["changes"] == [] and report["errors"] == []
    counts = report["summary"]
    assert counts["reads"]["unchanged"] >= 3 and counts["disclosure"]["unchanged"] >= 3
    assert sum(v for k in counts.values() for c, v in k.items() if c != "unchanged") == 0
    assert report["sealed"] == {"counted": 1, "changed": 0}


def test_a_loosened_and_a_tightened_rule_are_each_reported(tmp_path, week):
    folder = lib.draft(tmp_path, lib.LOOSEN, lib.TIGHTEN)
    code, report = replay(folder, "--json")
    assert code == 0
    rows = changes_by_ref(report)
    check_outs = {f"audit entry {seq}" for seq in week.check_outs}
    # Exactly these: the phone caller gains the count; each check-out loses the due dates.
    assert set(rows) == {week.phone_caller, *check_outs}
    caller = rows[week.phone_caller]
    assert caller["change"] == "loosened" and caller["kind"] == "disclosure"
    assert (caller["old"]["outcome"], caller["new"]["outcome"]) == ("deny", "partial_release")
    assert (caller["gained"], caller["lost"]) == (["loans.count"], [])
    assert "III.B.1.b" in caller["new"]["clauses"]
    for ref in check_outs:
        row = rows[ref]
        assert row["change"] == "tightened" and row["role"] == "desk"
        assert (row["old"]["outcome"], row["new"]["outcome"]) == ("release", "partial_release")
        assert (row["gained"], row["lost"]) == ([], ["loans.due_dates"])
    assert report["summary"]["disclosure"]["loosened"] == 1
    assert report["summary"]["reads"]["tightened"] == len(check_outs)
    assert f"audit entry {week.address_read}" not in rows
    assert week.officer not in rows


def test_a_sealed_case_that_changes_is_counted_never_listed(tmp_path, week):
    code, report = replay(lib.draft(tmp_path, lib.DROP_JUDGE_RULE), "--json")
    assert code == 0
    assert report["sealed"] == {"counted": 1, "changed": 1}
    assert week.sealed not in changes_by_ref(report)
    assert "fisa" not in json.dumps(report["changes"])
    # The table says so too, and names no sealed case.
    code, text = replay(lib.draft(tmp_path / "again", lib.DROP_JUDGE_RULE))
    assert code == 0 and "1 of them would change" in " ".join(text.split())
    assert week.sealed not in text


def test_the_table_names_each_change_in_plain_words(tmp_path, week):
    code, text = replay(lib.draft(tmp_path, lib.LOOSEN, lib.TIGHTEN))
    assert code == 0
    flat = " ".join(text.split())
    assert "What the draft would change" in flat
    assert text.index("What the draft would change") < text.index("Decisions that would change")
    assert "partly released" in flat and "refused" in flat
    assert "partial_release" not in flat  # no raw codes where a person reads


def test_the_report_carries_opaque_refs_only(tmp_path, week):
    from custodian.records.models import Patron

    code, report = replay(lib.draft(tmp_path, lib.LOOSEN, lib.TIGHTEN), "--json")
    text = json.dumps(report)
    for patron in Patron.objects.all():
        for value in (patron.card_number, patron.last_name, str(patron.ref)):
            assert value not in text


def test_since_leaves_out_what_came_before(tmp_path, week):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    code, report = replay(
        lib.draft(tmp_path, lib.LOOSEN, lib.TIGHTEN), "--since", tomorrow, "--json"
    )
    assert code == 0 and report["changes"] == []
    assert report["since"] == tomorrow


@pytest.mark.parametrize(
    "args, message",
    [
        (["no-such-folder"], "not a profile folder"),
        (["{broken}"], "broken"),
        (["{good}", "--since", "last tuesday"], "is not a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    broken = lib.copy_profile(tmp_path / "b")
    (broken / "release.cedar").write_text("permit (principal, action, resource) when {")
    good = lib.copy_profile(tmp_path / "g")
    args = [a.format(broken=broken, good=good) for a in args]
    result = CliRunner().invoke(app, ["policy", "replay", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    if message != "broken":
        assert message in result.stderr


def test_a_draft_of_the_same_name_replaces_the_live_profile_only_in_the_replay(tmp_path, week):
    from custodian.policy import get_engine

    before = profile_files(get_engine().profile(lib.PROFILE).folder)
    replay(lib.draft(tmp_path, lib.TIGHTEN), "--json")
    assert profile_files(get_engine().profile(lib.PROFILE).folder) == before
    assert "loans.due_dates" in get_engine().profile(lib.PROFILE).staff_fields("desk")


# ---- the Django-free core ----


def test_categories():
    def o(outcome, *released, clauses=("A",)):
        return Outcome(outcome, released, clauses)

    assert category(o("deny"), o("deny")) == "unchanged"
    assert category(o("deny"), o("release", "x")) == "loosened"
    assert category(o("release", "x", "y"), o("partial_release", "x")) == "tightened"
    assert category(o("partial_release", "x"), o("partial_release", "y")) == "other"
    assert category(o("deny"), o("refer")) == "other"
    assert category(o("deny"), o("deny", clauses=("B",))) == "other"


def test_staff_reads_are_narrowed_as_the_door_narrows_them():
    from custodian.policy import Engine

    engine = Engine(memo_size=0)
    request = {
        "profile": lib.PROFILE,
        "requester": {"kind": "staff"},
        "channel": "in_person",
        "evidence": [],
        "purpose": "library_business",
        "requested": ["loans.titles", "history.titles"],
    }
    # The policy lets staff see both; the desk has no need to know reading history.
    assert ruled(engine, Item("x", "read", request)).released == ("loans.titles", "history.titles")
    desk = ruled(engine, Item("x", "read", request, need_role="desk"))
    assert (desk.outcome, desk.released) == ("partial_release", ("loans.titles",))
    package = ruled(engine, Item("x", "read", request, need_role="desk", all_or_nothing=True))
    assert (package.outcome, package.released) == ("deny", ())
    assert ruled(engine, Item("x", "read", request, need_role="no_such_role")).outcome == "deny"


def test_each_situation_is_decided_once_per_replay_and_every_entry_counted():
    from custodian.policy.replay import replay

    calls = []

    def old(item):
        calls.append(item.ref)
        return Outcome("release", ("loans.titles",))

    def new(item):
        return Outcome("deny", ())

    request = {"requester": {"kind": "staff"}, "requested": ["loans.titles"]}
    same = [Item(f"audit entry {n}", "read", request, key=("s",)) for n in range(3)]
    alone = [Item(f"case {n}", "disclosure", request) for n in range(2)]
    report = replay([*same, *alone], old=old, new=new)
    assert calls == ["audit entry 0", "case 0", "case 1"]
    assert report.counts["tightened"] == 5
    assert [row["ref"] for row in report.changes] == [
        *(i.ref for i in same),
        *(i.ref for i in alone),
    ]


def test_an_entry_is_rebuilt_as_the_door_asked():
    from custodian.audit.decisions import read_item

    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    entry = (7, at, "desk", "check_out", "library_business", ["loans.titles"], "release", ["A"])
    item = read_item(entry, lib.PROFILE)
    assert item.ref == "audit entry 7" and item.need_role == "desk"
    assert item.request["requester"] == {"kind": "staff"}
    assert (item.request["purpose"], item.request["profile"]) == ("library_business", lib.PROFILE)
    assert "patron" not in item.request  # the log keeps no age
    other = read_item(
        (8, at, "desk", "read", "disclosure", ["loans.titles"], "release", []), lib.PROFILE
    )
    assert other.key != item.key  # another purpose is another question
    # A package is asked about as library business, and seen whole or not at all.
    package = read_item(
        (9, at, "director", "read_package", "disclosure", ["loans.titles"], "release", ["A"]),
        lib.PROFILE,
    )
    assert package.all_or_nothing and package.request["purpose"] == "library_business"
    # The door's own refusals (no clause cited) and role denials (no fields) were not the
    # policy's decisions.
    assert (
        read_item((10, at, "patron", "read", "own_record", ["loans.titles"], "deny", []), "x")
        is None
    )
    assert read_item((11, at, "desk", "denied", "library_business", [], "deny", []), "x") is None
    patron = read_item(
        (12, at, "patron", "read", "own_record", ["loans.titles"], "release", ["B"]), "x"
    )
    assert patron.request["purpose"] is None and patron.need_role is None
