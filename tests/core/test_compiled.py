"""core.compiled: a query compiled once per shape gives what the ORM gives, for every call's values."""
import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from saleor_netterms.companies.models import Company, Member
from saleor_netterms.core.compiled import CompiledQuery, NotCompilable
from tests.fixtures_credit import postgres_only


def _members(*, installation_id, user_id, email):
    wanted = Q(value=user_id) if email is None else Q(value=user_id) | Q(value=email)
    return (Member.objects.filter(wanted, installation_id=installation_id, is_active=True)
            .select_related("company").order_by("id"))


MEMBERS = CompiledQuery(_members, installation_id=(-1, -2), user_id=("~u-1", "~u-2"), email=("~e-1", "~e-2"))


@pytest.mark.django_db
def test_instances_equal_the_orms_for_each_calls_values_and_shape(credit_installation, member_factory,
                                                                  company_factory):
    # given two companies' members, and another installation's member with the same value
    first = member_factory(kind="saleor_user_id", value="VXNlcjox", company=company_factory(legal_name="First Ltd"))
    second = member_factory(kind="email", value="ann@acme.example", company=company_factory(legal_name="Second Ltd"))
    member_factory(kind="saleor_user_id", value="VXNlcjoy")

    # when the compiled query runs with several values, with and without the e-mail
    calls = [dict(installation_id=credit_installation.pk, user_id="VXNlcjox", email=None),
             dict(installation_id=credit_installation.pk, user_id="VXNlcjox", email="ann@acme.example"),
             dict(installation_id=credit_installation.pk, user_id="nobody", email="ann@acme.example"),
             dict(installation_id=credit_installation.pk + 1000, user_id="VXNlcjox", email=None)]
    compiled = [MEMBERS.instances(**values) for values in calls]

    # then each gives the ORM's members, with their companies already loaded
    assert [[m.pk for m in found] for found in compiled] == [[first.pk], [first.pk, second.pk], [second.pk], []]
    for values, found in zip(calls, compiled):
        assert [(m.pk, m.value, m.company.legal_name) for m in found] == [
            (m.pk, m.value, m.company.legal_name) for m in _members(**values)]
    with CaptureQueriesContext(connection) as queries:
        assert MEMBERS.instances(**calls[1])[1].company.legal_name == "Second Ltd"
    assert len(queries) == 1  # the company came with the member (select_related)


@postgres_only
@pytest.mark.django_db
def test_compiled_once_per_shape_and_bound_per_call(credit_installation):
    # when the same shape is bound twice
    sql_1, params_1 = MEMBERS.bind(installation_id=7, user_id="a", email=None)
    sql_2, params_2 = MEMBERS.bind(installation_id=8, user_id="b", email=None)
    sql_3, params_3 = MEMBERS.bind(installation_id=8, user_id="b", email="c")

    # then the SQL text is the same object, only the parameters differ; another shape is another text
    assert sql_1 is sql_2
    assert sql_3 != sql_1
    assert sorted(map(str, params_1)) == ["7", "a"]
    assert sorted(map(str, params_2)) == ["8", "b"]
    assert sorted(map(str, params_3)) == ["8", "b", "c"]


@postgres_only
@pytest.mark.django_db
def test_a_parameter_derived_from_a_value_is_refused():
    # given a builder that derives a parameter from its value (the limit's currency upper-cased)
    derived = CompiledQuery(lambda *, currency: Company.objects.filter(credit_limits__currency=currency.upper()),
                            currency=("chf", "jpy"))

    # then it cannot be compiled once and bound: it fails loudly instead of binding a wrong value
    with pytest.raises(NotCompilable, match="not one of the values"):
        derived.bind(currency="usd")


@postgres_only
@pytest.mark.django_db
def test_a_locking_query_is_compiled_inside_the_transaction(company):
    locked = CompiledQuery(lambda *, company_id: Company.objects.select_for_update().filter(pk=company_id),
                           company_id=(-1, -2))
    with transaction.atomic():
        found = locked.instances(company_id=company.pk)
    assert [(c.pk, c.legal_name) for c in found] == [(company.pk, company.legal_name)]
