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


ORIGINS_SET = """mutation ($o: [String!]!) { installationStorefrontOriginsSet(origins: $o) {
  settings { storefrontOrigins } errors { code field message } } }"""


@pytest.mark.django_db
def test_the_storefront_origins_are_set_normalized_read_back_and_audited(gql, credit_installation):
    # given none: any storefront may hand over
    assert gql("{ installationSettings { storefrontOrigins } }") == {"installationSettings": {"storefrontOrigins": []}}

    # when
    data = gql(ORIGINS_SET, {"o": ["https://Shop.Example.com", "https://shop.example.com:443",
                                   "http://localhost:3000"]})
    again = gql(ORIGINS_SET, {"o": ["https://shop.example.com", "http://localhost:3000"]})

    # then: lower-cased, the default port dropped, de-duplicated; the same list again records nothing
    assert data == again == {"installationStorefrontOriginsSet": {"settings": {"storefrontOrigins": [
        "https://shop.example.com", "http://localhost:3000"]}, "errors": []}}
    assert Installation.objects.get(pk=credit_installation.pk).storefront_origins == [
        "https://shop.example.com", "http://localhost:3000"]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.before, entry.after) == (
        "installation.storefront_origins_set", "staff@example.com", {"storefront_origins": []},
        {"storefront_origins": ["https://shop.example.com", "http://localhost:3000"]})


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["shop.example.com", "https://shop.example.com/account", "http://shop.example.com",
                                 "https://*.example.com", "https://user@shop.example.com", "null", "",
                                 "https://shop.example.com:99999", "javascript://x", "https://shop.example.com?x=1"])
def test_a_bad_storefront_origin_refuses_the_whole_list_and_writes_nothing(gql, credit_installation, bad):
    # when
    data = gql(ORIGINS_SET, {"o": ["https://shop.example.com", bad]})

    # then
    assert data == {"installationStorefrontOriginsSet": {"settings": None, "errors": [{
        "code": "INVALID_STOREFRONT_ORIGIN", "field": "origins",
        "message": "An origin is a scheme and host, optionally with a port, e.g. https://shop.example.com "
                   "(https only, except http://localhost); at most 20."}]}}
    assert Installation.objects.get(pk=credit_installation.pk).storefront_origins == []
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_more_than_twenty_storefront_origins_are_refused(gql, credit_installation):
    data = gql(ORIGINS_SET, {"o": [f"https://shop{n}.example.com" for n in range(21)]})
    assert data["installationStorefrontOriginsSet"]["errors"][0]["code"] == "INVALID_STOREFRONT_ORIGIN"
    assert Installation.objects.get(pk=credit_installation.pk).storefront_origins == []
