"""A freshly generated library keeps its profile's retention schedule: the daily purge has
nothing to do on it (issue 11). Checked for every profile."""

import pytest

from custodian.retention.services import purge
from custodian.synth.generator import generate
from tests.synth.conftest import FIXED_NOW, SEED

pytestmark = pytest.mark.django_db

PROFILES = ("sonoma-county", "jackson-county", "jensen-memorial", "westchester")


@pytest.mark.parametrize("profile", PROFILES)
def test_purge_finds_nothing_to_do_on_a_new_library(settings, tmp_path, profile):
    settings.DATA_DIR = tmp_path
    settings.CUSTODIAN_PROFILE = profile
    generate(patrons=400, seed=SEED, now=FIXED_NOW)

    result = purge(dry_run=True, now=FIXED_NOW)

    # The PostgreSQL upkeep step (circulation counts rewritten in key order) runs every day
    # whatever the data: it is not a schedule, so not "work left".
    due = {c.name: c.rows for c in result.categories if c.rows and c.action != "maintenance"}
    assert {c.name for c in result.categories} >= {"registration", "charges", "programs"}
    assert due == {}, f"{profile}: rows past the schedule in a new library: {due}"
