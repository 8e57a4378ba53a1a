"""Payment terms templates: services, selectors and the database's own guarantees."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from saleor_netterms.installations.models import Installation
from saleor_netterms.terms.engine import NetDays, PaymentTerms
from saleor_netterms.terms.errors import InvalidTerms, InvalidTermsTemplate, TermsTemplateCodeTaken
from saleor_netterms.terms.models import PaymentTermsTemplate
from saleor_netterms.terms.selectors import (
    payment_terms_for_channel,
    payment_terms_get,
    payment_terms_list,
)
from saleor_netterms.terms.services import payment_terms_create, payment_terms_update

pytestmark = pytest.mark.django_db

NET_30 = {"kind": "net", "days": 30}
TWO_10_NET_30 = {"kind": "net", "days": 30, "discount": {"percent": "2.0", "days": 10}}


def _installation(url: str = "https://t.example/graphql/") -> Installation:
    inst = Installation(saleor_api_url=url, app_id="QXBwOjE=")
    inst.set_token("x")
    inst.save()
    return inst


@pytest.fixture
def installation():
    return _installation()


def test_payment_terms_create_stores_the_canonical_definition(installation):
    # given a hand-written definition without a version
    # when
    template = payment_terms_create(
        installation=installation,
        name="  2/10 Net 30 ",
        code="2-10-net-30",
        definition=TWO_10_NET_30,
    )

    # then
    template.refresh_from_db()
    assert (
        template.name,
        template.code,
        template.channel_slug,
        template.is_channel_default,
        template.active,
    ) == ("2/10 Net 30", "2-10-net-30", "", False, True)
    assert template.definition == {
        "version": 1,
        "kind": "net",
        "days": 30,
        "discount": {"percent": "2.0", "days": 10},
    }
    assert template.terms().plan == NetDays(30)


def test_payment_terms_create_refuses_an_invalid_definition_and_writes_nothing(installation):
    # given shares that do not add up to 100 %
    definition = {
        "kind": "instalments",
        "parts": [
            {"percent": "30", "due": {"kind": "net", "days": 30}},
            {"percent": "60", "due": {"kind": "net", "days": 60}},
        ],
    }

    # when
    with pytest.raises(InvalidTerms) as exc_info:
        payment_terms_create(
            installation=installation, name="Split", code="split", definition=definition
        )

    # then
    assert (exc_info.value.code, exc_info.value.reason) == ("INVALID_TERMS", "SHARES_NOT_100")
    assert PaymentTermsTemplate.objects.count() == 0


def test_payment_terms_create_refuses_a_duplicate_code_per_installation(installation):
    # given
    payment_terms_create(installation=installation, name="Net 30", code="net-30", definition=NET_30)
    other = _installation("https://other.example/graphql/")

    # when
    with pytest.raises(TermsTemplateCodeTaken) as exc_info:
        payment_terms_create(
            installation=installation, name="Net 30 again", code="net-30", definition=NET_30
        )
    elsewhere = payment_terms_create(
        installation=other, name="Net 30", code="net-30", definition=NET_30
    )

    # then
    assert (exc_info.value.code, exc_info.value.http_status) == ("TERMS_TEMPLATE_CODE_TAKEN", 409)
    assert PaymentTermsTemplate.objects.filter(installation=installation).count() == 1
    assert elsewhere.installation == other


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"name": " "}, "NAME_REQUIRED"),
        ({"name": "x" * 129}, "NAME_TOO_LONG"),
        ({"code": "net 30"}, "INVALID_CODE"),
        ({"code": ""}, "INVALID_CODE"),
        ({"channel_slug": "default channel"}, "INVALID_CHANNEL"),
        ({"is_channel_default": True}, "DEFAULT_NEEDS_CHANNEL"),
    ],
)
def test_payment_terms_create_refuses_an_invalid_template(installation, kwargs, reason):
    # given
    arguments = {
        "installation": installation,
        "name": "Net 30",
        "code": "net-30",
        "definition": NET_30,
        **kwargs,
    }

    # when
    with pytest.raises(InvalidTermsTemplate) as exc_info:
        payment_terms_create(**arguments)

    # then
    assert (exc_info.value.code, exc_info.value.reason) == ("INVALID_TERMS_TEMPLATE", reason)
    assert PaymentTermsTemplate.objects.count() == 0


def test_a_new_channel_default_replaces_the_previous_one(installation):
    # given
    first = payment_terms_create(
        installation=installation,
        name="Net 30",
        code="net-30",
        definition=NET_30,
        channel_slug="default-channel",
        is_channel_default=True,
    )
    other_channel = payment_terms_create(
        installation=installation,
        name="Net 30 B2B",
        code="net-30-b2b",
        definition=NET_30,
        channel_slug="b2b",
        is_channel_default=True,
    )

    # when
    second = payment_terms_create(
        installation=installation,
        name="2/10 Net 30",
        code="2-10-net-30",
        definition=TWO_10_NET_30,
        channel_slug="default-channel",
        is_channel_default=True,
    )

    # then
    first.refresh_from_db()
    assert first.is_channel_default is False
    assert (
        payment_terms_for_channel(installation=installation, channel_slug="default-channel")
        == second
    )
    assert payment_terms_for_channel(installation=installation, channel_slug="b2b") == other_channel
    assert payment_terms_for_channel(installation=installation, channel_slug="unknown") is None


def test_payment_terms_for_channel_is_scoped_to_the_installation(installation):
    # given
    payment_terms_create(
        installation=installation,
        name="Net 30",
        code="net-30",
        definition=NET_30,
        channel_slug="default-channel",
        is_channel_default=True,
    )
    other = _installation("https://other.example/graphql/")

    # when
    found = payment_terms_for_channel(installation=other, channel_slug="default-channel")

    # then
    assert found is None


def test_payment_terms_update_changes_only_the_given_fields(installation):
    # given
    template = payment_terms_create(
        installation=installation, name="Net 30", code="net-30", definition=NET_30
    )

    # when
    updated = payment_terms_update(
        template=template, definition={"kind": "eom", "days": 15}, name="EOM + 15"
    )

    # then
    updated.refresh_from_db()
    assert (updated.name, updated.code, updated.definition, updated.active) == (
        "EOM + 15",
        "net-30",
        {"version": 1, "kind": "eom", "days": 15},
        True,
    )


def test_payment_terms_update_refuses_an_invalid_definition_and_keeps_the_old_one(installation):
    # given
    template = payment_terms_create(
        installation=installation, name="Net 30", code="net-30", definition=NET_30
    )

    # when
    with pytest.raises(InvalidTerms) as exc_info:
        payment_terms_update(template=template, definition={"kind": "net", "days": -5})

    # then
    assert exc_info.value.reason == "NEGATIVE_DAYS"
    template.refresh_from_db()
    assert template.definition == {"version": 1, "kind": "net", "days": 30}


def test_payment_terms_update_makes_a_template_the_channel_default(installation):
    # given
    old_default = payment_terms_create(
        installation=installation,
        name="Net 30",
        code="net-30",
        definition=NET_30,
        channel_slug="eu",
        is_channel_default=True,
    )
    template = payment_terms_create(
        installation=installation, name="2/10 Net 30", code="2-10-net-30", definition=TWO_10_NET_30
    )

    # when
    payment_terms_update(template=template, channel_slug="eu", is_channel_default=True)

    # then
    old_default.refresh_from_db()
    assert old_default.is_channel_default is False
    assert payment_terms_for_channel(installation=installation, channel_slug="eu").pk == template.pk


def test_deactivating_the_channel_default_is_refused_unless_it_stops_being_default(installation):
    # given
    template = payment_terms_create(
        installation=installation,
        name="Net 30",
        code="net-30",
        definition=NET_30,
        channel_slug="eu",
        is_channel_default=True,
    )

    # when
    with pytest.raises(InvalidTermsTemplate) as exc_info:
        payment_terms_update(template=template, active=False)
    payment_terms_update(template=template, active=False, is_channel_default=False)

    # then
    assert exc_info.value.reason == "DEFAULT_MUST_BE_ACTIVE"
    template.refresh_from_db()
    assert (template.active, template.is_channel_default) == (False, False)
    assert payment_terms_for_channel(installation=installation, channel_slug="eu") is None
    assert list(payment_terms_list(installation=installation)) == []
    assert list(payment_terms_list(installation=installation, include_inactive=True)) == [template]
    assert payment_terms_get(installation=installation, code="net-30") == template


def test_the_database_refuses_two_defaults_for_one_channel(installation):
    # given one default, written bypassing the services
    PaymentTermsTemplate.objects.create(
        installation=installation,
        name="A",
        code="a",
        definition=NET_30,
        channel_slug="eu",
        is_channel_default=True,
    )

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentTermsTemplate.objects.create(
            installation=installation,
            name="B",
            code="b",
            definition=NET_30,
            channel_slug="eu",
            is_channel_default=True,
        )
    assert PaymentTermsTemplate.objects.count() == 1


@pytest.mark.parametrize(("channel_slug", "active"), [("", True), ("eu", False)])
def test_the_database_refuses_a_default_without_channel_or_inactive(
    installation, channel_slug, active
):
    # given / when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentTermsTemplate.objects.create(
            installation=installation,
            name="A",
            code="a",
            definition=NET_30,
            channel_slug=channel_slug,
            is_channel_default=True,
            active=active,
        )
    assert PaymentTermsTemplate.objects.count() == 0


def test_an_installation_with_terms_templates_cannot_be_deleted(installation):
    # given
    payment_terms_create(installation=installation, name="Net 30", code="net-30", definition=NET_30)

    # when / then
    with pytest.raises(ProtectedError):
        installation.delete()


def test_model_clean_reports_an_invalid_definition(installation):
    # given a template built without the services
    template = PaymentTermsTemplate(
        installation=installation,
        name="Bad",
        code="bad",
        definition={"kind": "net", "days": 30, "discount": {"percent": "2", "days": 30}},
    )

    # when
    with pytest.raises(ValidationError) as exc_info:
        template.full_clean()

    # then
    assert exc_info.value.message_dict["definition"] == [
        "DISCOUNT_DEADLINE_NOT_BEFORE_DUE: The discount deadline (30 days) must fall before "
        "the due date, which can be as early as 30 days after issue."
    ]


def test_template_terms_parses_the_definition(installation):
    # given
    template = payment_terms_create(
        installation=installation, name="Net 30", code="net-30", definition=NET_30
    )

    # when
    terms = template.terms()

    # then
    assert terms == PaymentTerms(plan=NetDays(30))
