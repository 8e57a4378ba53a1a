"""Writes of payment terms templates (HackSoft style: keyword-only, `<entity>_<action>`).

Every definition is validated by the pure engine (`terms_from_dict`) and stored in canonical form
(`terms_to_dict`), so what is stored always reads back. At most one active default template per
(installation, channel) — enforced by a partial unique constraint; making a template the default
un-defaults the previous one in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug, validate_unicode_slug
from django.db import IntegrityError, transaction

from saleor_netterms.installations.models import Installation

from .engine import terms_from_dict, terms_to_dict
from .errors import InvalidTermsTemplate, TermsTemplateCodeTaken
from .models import PaymentTermsTemplate


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()

_CODE_CONSTRAINT = "terms_template_code_unique_per_installation"
_DEFAULT_CONSTRAINT = "terms_template_one_default_per_channel"


def _name_clean(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidTermsTemplate(
            "empty name",
            reason="NAME_REQUIRED",
            merchant_message="A payment terms template needs a name.",
        )
    name = name.strip()
    if len(name) > 128:
        raise InvalidTermsTemplate(
            "name too long",
            reason="NAME_TOO_LONG",
            merchant_message="The name can be at most 128 characters.",
        )
    return name


def _code_clean(code: Any) -> str:
    try:
        if not isinstance(code, str) or len(code) > 64:
            raise ValidationError("bad code")
        validate_slug(code)
    except ValidationError as exc:
        raise InvalidTermsTemplate(
            f"invalid code {code!r}",
            reason="INVALID_CODE",
            merchant_message="The code must be a slug (letters, digits, - and _; "
            "at most 64 characters).",
        ) from exc
    return code


def _channel_clean(channel_slug: Any) -> str:
    if channel_slug is None or channel_slug == "":
        return ""
    try:
        if not isinstance(channel_slug, str) or len(channel_slug) > 255:
            raise ValidationError("bad channel slug")
        validate_unicode_slug(channel_slug)
    except ValidationError as exc:
        raise InvalidTermsTemplate(
            f"invalid channel slug {channel_slug!r}",
            reason="INVALID_CHANNEL",
            merchant_message="The channel must be a Saleor channel slug.",
        ) from exc
    return channel_slug


def _definition_clean(definition: Any) -> dict:
    """Validate with the engine (raises InvalidTerms) and return the canonical JSON form."""
    return terms_to_dict(terms_from_dict(definition))


def _default_state_check(*, is_channel_default: bool, channel_slug: str, active: bool) -> None:
    if not is_channel_default:
        return
    if not channel_slug:
        raise InvalidTermsTemplate(
            "channel default without channel",
            reason="DEFAULT_NEEDS_CHANNEL",
            merchant_message="A channel default needs a channel.",
        )
    if not active:
        raise InvalidTermsTemplate(
            "inactive channel default",
            reason="DEFAULT_MUST_BE_ACTIVE",
            merchant_message="An inactive template cannot be a channel default.",
        )


def _channel_default_clear(
    *, installation: Installation, channel_slug: str, keep_pk: int | None
) -> None:
    """Un-default the current default of this channel (locked first, in id order)."""
    current = list(
        PaymentTermsTemplate.objects.select_for_update()
        .filter(installation=installation, channel_slug=channel_slug, is_channel_default=True)
        .exclude(pk=keep_pk)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    if current:
        PaymentTermsTemplate.objects.filter(pk__in=current).update(is_channel_default=False)


def _integrity_translate(exc: IntegrityError) -> Exception:
    """A coded error for a constraint a concurrent writer won; `exc` itself for anything else."""
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or str(exc)
    if _CODE_CONSTRAINT in constraint:
        return TermsTemplateCodeTaken("code taken (concurrent create)")
    if _DEFAULT_CONSTRAINT in constraint:
        return InvalidTermsTemplate(
            "concurrent channel default change",
            reason="CHANNEL_DEFAULT_CONFLICT",
            merchant_message="Another change to this channel's default terms "
            "happened at the same time; please retry.",
        )
    return exc


def payment_terms_create(
    *,
    installation: Installation,
    name: str,
    code: str,
    definition: dict,
    channel_slug: str | None = None,
    is_channel_default: bool = False,
) -> PaymentTermsTemplate:
    """Create a terms template. Raises InvalidTerms (bad definition), InvalidTermsTemplate (bad
    name, code, channel or default flag) or TermsTemplateCodeTaken; writes nothing then."""
    name = _name_clean(name)
    code = _code_clean(code)
    canonical = _definition_clean(definition)
    channel = _channel_clean(channel_slug)
    _default_state_check(
        is_channel_default=bool(is_channel_default), channel_slug=channel, active=True
    )
    try:
        with transaction.atomic():
            if PaymentTermsTemplate.objects.filter(installation=installation, code=code).exists():
                raise TermsTemplateCodeTaken(f"code {code!r} taken")
            if is_channel_default:
                _channel_default_clear(
                    installation=installation, channel_slug=channel, keep_pk=None
                )
            return PaymentTermsTemplate.objects.create(
                installation=installation,
                name=name,
                code=code,
                definition=canonical,
                channel_slug=channel,
                is_channel_default=bool(is_channel_default),
                active=True,
            )
    except IntegrityError as exc:
        translated = _integrity_translate(exc)
        if translated is exc:
            raise
        raise translated from exc


def payment_terms_update(
    *,
    template: PaymentTermsTemplate,
    name: str = UNSET,
    definition: dict = UNSET,
    channel_slug: str | None = UNSET,
    is_channel_default: bool = UNSET,
    active: bool = UNSET,
) -> PaymentTermsTemplate:
    """Change the given fields of a template (others stay as they are); the code is immutable.

    Locks the template, re-reads it, validates the resulting state, and returns the fresh row.
    Deactivating the channel default is refused unless `is_channel_default=False` is passed too.
    """
    new_name = _name_clean(name) if name is not UNSET else UNSET
    new_definition = _definition_clean(definition) if definition is not UNSET else UNSET
    new_channel = _channel_clean(channel_slug) if channel_slug is not UNSET else UNSET
    try:
        with transaction.atomic():
            locked = PaymentTermsTemplate.objects.select_for_update().get(pk=template.pk)
            changed: list[str] = []
            for field, value in (
                ("name", new_name),
                ("definition", new_definition),
                ("channel_slug", new_channel),
                ("is_channel_default", is_channel_default),
                ("active", active),
            ):
                if value is not UNSET and getattr(locked, field) != value:
                    setattr(
                        locked,
                        field,
                        bool(value) if field in ("is_channel_default", "active") else value,
                    )
                    changed.append(field)
            _default_state_check(
                is_channel_default=locked.is_channel_default,
                channel_slug=locked.channel_slug,
                active=locked.active,
            )
            if not changed:
                return locked
            if locked.is_channel_default:
                _channel_default_clear(
                    installation=locked.installation,
                    channel_slug=locked.channel_slug,
                    keep_pk=locked.pk,
                )
            locked.save(update_fields=[*changed, "updated_at"])
            return locked
    except IntegrityError as exc:
        translated = _integrity_translate(exc)
        if translated is exc:
            raise
        raise translated from exc
