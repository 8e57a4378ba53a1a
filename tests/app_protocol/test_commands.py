import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from saleor_netterms.core import crypto
from saleor_netterms.installations.models import Installation


def _installation(url: str, token: str) -> Installation:
    inst = Installation(saleor_api_url=url, app_id="QXBwOjI4", jwks={"keys": []})
    inst.set_token(token)
    inst.save()
    return inst


@pytest.mark.django_db
def test_rotate_tokens_reencrypts_with_the_newest_key(settings, capsys):
    # given
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.APP_ENCRYPTION_KEYS = [old_key]
    first = _installation("https://a.saleor.test/graphql/", "token-a-0123456789abcdefghijkl")
    second = _installation("https://b.saleor.test/graphql/", "token-b-0123456789abcdefghijkl")
    settings.APP_ENCRYPTION_KEYS = [new_key, old_key]
    before = {i.pk: i.token_encrypted for i in Installation.objects.all()}

    # when
    call_command("installation_rotate_tokens")

    # then
    assert capsys.readouterr().out.strip() == "rotated 2 token(s)"
    settings.APP_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    for inst, token in [(first, "token-a-0123456789abcdefghijkl"), (second, "token-b-0123456789abcdefghijkl")]:
        stored = Installation.objects.get(pk=inst.pk)
        assert stored.token_encrypted != before[inst.pk]
        assert stored.token == token
        assert Fernet(new_key.encode()).decrypt(stored.token_encrypted.encode()).decode() == token


@pytest.mark.django_db
def test_rotate_tokens_reports_unreadable_rows_and_leaves_them(settings):
    # given
    lost_key = Fernet.generate_key().decode()
    settings.APP_ENCRYPTION_KEYS = [lost_key]
    orphan = _installation("https://a.saleor.test/graphql/", "token-a-0123456789abcdefghijkl")
    settings.APP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    # when
    with pytest.raises(CommandError) as caught:
        call_command("installation_rotate_tokens")

    # then
    assert str(caught.value) == (
        f"1 token(s) could not be decrypted with any configured key: installation ids [{orphan.pk}]")
    assert Installation.objects.get(pk=orphan.pk).token_encrypted == orphan.token_encrypted


def test_crypto_cache_follows_settings(settings):
    # then: the MultiFernet cache is keyed by the key tuple, so settings overrides take effect
    settings.APP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert crypto.secret_decrypt(crypto.secret_encrypt("x")) == "x"
