"""`custodian audit check-decisions`: every recorded decision decided again under the policy
version in force when it was made; each one the policy would not give is named (exit 1)."""

import json

import pytest
from django.test import override_settings
from typer.testing import CliRunner

from custodian.audit.models import AuditEntry, PolicyInForce, PolicyVersion
from custodian.audit.policy_versions import current_version
from custodian.audit.services import append_access
from custodian.cli import app
from custodian.disclosure.models import DisclosureRequest
from custodian.policy.replay import files_digest, profile_files
from tests.audit import decision_library as lib

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sonoma")]


@pytest.fixture
def sonoma():
    with override_settings(CUSTODIAN_PROFILE=lib.PROFILE):
        yield


@pytest.fixture
def live(monkeypatch):
    switch = lib.LiveProfile(monkeypatch)
    yield switch
    switch.clear()  # before monkeypatch puts the shipped profile back: no stale answers


@pytest.fixture
def week():
    return lib.record_a_week()


def check() -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["audit", "check-decisions", "--json"])
    return result.exit_code, json.loads(result.stdout)


def refs(report: dict) -> set[str]:
    return {f["ref"] for f in report["findings"]}


def test_decisions_made_by_the_policy_agree_with_it(week):
    code, report = check()
    assert code == 0, report
    assert report["findings"] == [] and report["tampered_versions"] == []
    assert report["reads_checked"] >= 3 and report["disclosures_checked"] >= 3
    assert report["versions"] == 1


def test_the_version_in_force_is_kept_with_its_text(week):
    [version] = PolicyVersion.objects.all()
    _, digest, files = current_version(lib.PROFILE)
    assert (version.profile, version.digest) == (lib.PROFILE, digest)
    assert version.files == files == profile_files(lib.copy_profile_path())
    assert set(files) >= {"profile.toml", "clauses.toml", "release.cedar"}
    assert PolicyInForce.objects.count() == 1


def test_an_entry_the_policy_would_not_give_is_named(week):
    # A desk clerk's read of reading history, recorded as released: the policy gives the
    # desk no such thing (no need to know), whoever wrote the entry.
    seq = append_access(
        actor="desk",
        role="desk",
        purpose="library_business",
        patron_ref=None,
        fields=["history.titles"],
        outcome="release",
        clauses=["III.B.1.a"],
    )
    code, report = check()
    assert code == 1
    assert refs(report) == {f"audit entry {seq}"}
    [finding] = report["findings"]
    assert finding["version_chosen"] == "in force"
    assert "outcome recorded release, policy gives deny" in finding["problems"]


def test_a_disclosure_decision_changed_in_the_database_is_named(week):
    req = DisclosureRequest.objects.get(pk=int(week.phone_caller.split()[-1]))
    forged = dict(req.decision, outcome="release", release=list(req.requested), withhold=[])
    DisclosureRequest.objects.filter(pk=req.pk).update(decision=forged)
    code, report = check()
    assert code == 1
    assert refs(report) == {week.phone_caller}
    problems = report["findings"][0]["problems"]
    assert any("released beyond the policy: loans.count, loans.due_dates" in p for p in problems)


def test_a_sealed_decision_that_disagrees_is_counted_not_named(week):
    from custodian.disclosure.models import Case

    req = Case.objects.get(pk=int(week.sealed.split()[-1])).request
    forged = dict(req.decision, outcome="deny", release=[])
    DisclosureRequest.objects.filter(pk=req.pk).update(decision=forged)
    code, report = check()
    assert code == 1
    assert report["sealed_findings"] == 1 and week.sealed not in refs(report)


def test_an_edited_version_text_is_found(week):
    version = PolicyVersion.objects.get()
    files = dict(version.files)
    old, new = lib.TIGHTEN[1:]
    files["profile.toml"] = files["profile.toml"].replace(old, new)
    PolicyVersion.objects.filter(pk=version.pk).update(files=files)
    code, report = check()
    assert code == 1
    assert [v["digest"] for v in report["tampered_versions"]] == [version.digest]
    # Decided with the edited text, the check-outs disagree too, and are named.
    assert refs(report) == {f"audit entry {seq}" for seq in week.check_outs}


def test_each_entry_is_judged_by_the_version_in_force_when_it_was_written(tmp_path, week, live):
    """Reads under the shipped profile, then under a tightened version: both agree with
    their own version; judged all by either one, some would not."""
    from custodian import door
    from custodian.accounts.models import StaffUser
    from tests.records.factories import make_item, make_patron

    tightened = lib.draft(tmp_path, lib.TIGHTEN)
    live.use(tightened)
    clerk = door.Reader.staff(StaffUser.objects.get(username="desk"))
    patron = make_patron()
    with pytest.raises(door.Refused):  # the desk no longer needs to know due dates
        door.check_out(reader=clerk, patron_ref=patron.ref, item_barcode=make_item().barcode)
    later = AuditEntry.objects.order_by("-seq").first()
    assert later.outcome == "partial_release"

    code, report = check()
    assert code == 0, report["findings"]
    assert report["versions"] == 2
    digests = list(PolicyInForce.objects.values_list("version__digest", flat=True))
    assert digests == [
        files_digest(profile_files(lib.copy_profile_path())),
        files_digest(profile_files(tightened)),
    ]

    # Forget the newer version: the later check-out is judged by the shipped rules, which
    # release it whole, and is named.
    PolicyInForce.objects.filter(version__digest=digests[1]).delete()
    code, report = check()
    assert code == 1 and refs(report) == {f"audit entry {later.seq}"}


def test_the_table_names_each_entry(week):
    append_access(
        actor="desk",
        role="desk",
        purpose="library_business",
        patron_ref=None,
        fields=["history.titles"],
        outcome="release",
        clauses=["III.B.1.a"],
    )
    result = CliRunner().invoke(app, ["audit", "check-decisions"])
    assert result.exit_code == 1
    flat = " ".join(result.stdout.split())
    assert "Disagreements" in flat and "audit entry" in flat
    assert "outcome recorded release, policy gives deny" in flat
