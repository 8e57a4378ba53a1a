"""The installation's business time zone, read and set through the API (the Overview page uses
these), validated and audited."""
from datetime import datetime, timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest

from saleor_netterms.audit.models import AuditEntry
from saleor_netterms.installations.models import Installation

SETTINGS = "{ installationSettings { timeZone today } }"
UPDATE = """mutation ($tz: String!) { installationSettingsUpdate(timeZone: $tz) {
  settings { timeZone today } errors { code field message } } }"""


@pytest.mark.django_db
def test_a_new_installation_works_in_utc_and_lists_the_zones_it_accepts(gql):
    data = gql("{ installationSettings { timeZone today timeZones } }")
    settings = data["installationSettings"]
    assert settings["timeZone"] == "UTC"
    assert settings["today"] == datetime.now(dt_timezone.utc).date().isoformat()
    assert {"Europe/Berlin", "America/New_York", "Pacific/Kiritimati", "UTC"} <= set(settings["timeZones"])
    assert settings["timeZones"] == sorted(settings["timeZones"])


@pytest.mark.django_db
def test_setting_the_time_zone_changes_the_business_date_and_is_audited(gql, credit_installation):
    # when
    data = gql(UPDATE, {"tz": "Pacific/Kiritimati"})
    again = gql(UPDATE, {"tz": "Pacific/Kiritimati"})

    # then
    expected_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    assert data == {"installationSettingsUpdate": {"settings": {"timeZone": "Pacific/Kiritimati",
                                                                "today": expected_today}, "errors": []}}
    assert again["installationSettingsUpdate"]["errors"] == []
    assert Installation.objects.get(pk=credit_installation.pk).time_zone == "Pacific/Kiritimati"
    assert gql(SETTINGS) == {"installationSettings": {"timeZone": "Pacific/Kiritimati", "today": expected_today}}
    entry = AuditEntry.objects.get()  # setting the same zone again records nothing
    assert (entry.action, entry.actor, entry.object_type, entry.object_id, entry.before, entry.after) == (
        "installation.time_zone_set", "staff@example.com", "installation", str(credit_installation.pk),
        {"time_zone": "UTC"}, {"time_zone": "Pacific/Kiritimati"})


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["Berlin", "", "UTC+2", "Europe/Berlin\x00", "x" * 100])
def test_an_unknown_time_zone_is_refused_with_a_code_and_nothing_changes(gql, credit_installation, value):
    # when
    data = gql(UPDATE, {"tz": value})

    # then
    assert data == {"installationSettingsUpdate": {"settings": None, "errors": [{
        "code": "INVALID_TIME_ZONE", "field": "timeZone",
        "message": "Not a time zone name from the IANA database (for example Europe/Berlin)."}]}}
    assert Installation.objects.get(pk=credit_installation.pk).time_zone == "UTC"
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_the_time_zone_of_another_installation_is_untouched(gql, credit_installation, other_installation):
    gql(UPDATE, {"tz": "Europe/Berlin"}, installation=other_installation)
    assert Installation.objects.get(pk=credit_installation.pk).time_zone == "UTC"
    assert Installation.objects.get(pk=other_installation.pk).time_zone == "Europe/Berlin"
