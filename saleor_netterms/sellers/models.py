"""The seller of an installation's documents: who issues the invoices and where to pay them.

One profile per installation, edited in the Dashboard (app/seller) and the API
(`sellerProfile`, `sellerProfileUpdate`, `sellerBankAccountSet`, …). Every save is validated by
sellers.services (VAT ids, IBAN/BIC, routing numbers, the Peppol address, the EN 16931 rules
about the seller), so an invoice issued from a saved profile never lacks seller data. Until a
profile is saved the INVOICE_SELLER / INVOICE_REMITTANCE environment settings stand in.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

ZERO_CATEGORIES = (("Z", "Zero rated (Z)"), ("E", "Exempt (E), with the reason below"))


class SellerProfile(models.Model):
    installation = models.OneToOneField("installations.Installation", on_delete=models.CASCADE,
                                        related_name="seller_profile")
    legal_name = models.CharField(max_length=255)                      # BT-27
    trading_name = models.CharField(max_length=255, blank=True)        # BT-28
    street = models.CharField(max_length=255)
    street2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=128)
    postal_code = models.CharField(max_length=32)
    country_area = models.CharField(max_length=128, blank=True)
    country = models.CharField(max_length=2)                           # ISO 3166-1 alpha-2
    vat_id = models.CharField(max_length=32, blank=True)               # BT-31, with country prefix
    tax_number = models.CharField(max_length=64, blank=True)           # BT-32: Steuernummer, EIN, JCT…
    tax_number_label = models.CharField(max_length=32, blank=True)     # what it is ("EIN", "Steuernummer")
    registration_authority = models.CharField(max_length=128, blank=True)  # "Amtsgericht Hamburg"
    registration_number = models.CharField(max_length=64, blank=True)  # BT-30 "HRB 123456"
    registration_scheme = models.CharField(max_length=4, blank=True)   # ISO 6523 ICD of BT-30
    identifier = models.CharField(max_length=64, blank=True)           # BT-29 (GLN, DUNS)
    identifier_scheme = models.CharField(max_length=4, blank=True)     # its ICD ("0088", "0060")
    contact_name = models.CharField(max_length=255)                    # BT-41
    email = models.EmailField(max_length=254)                          # BT-43
    phone = models.CharField(max_length=64)                            # BT-42
    peppol_scheme = models.CharField(max_length=4)                     # BT-34 scheme (EAS)
    peppol_id = models.CharField(max_length=128)                       # BT-34
    domestic_zero_category = models.CharField(max_length=1, choices=ZERO_CATEGORIES, default="Z")
    exemption_reason = models.CharField(max_length=255, blank=True)    # BT-120 for E
    exemption_code = models.CharField(max_length=32, blank=True)       # BT-121 (VATEX)
    supplies_services = models.BooleanField(default=False)
    footer = models.CharField(max_length=500, blank=True)
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_content_type = models.CharField(max_length=32, blank=True)
    logo_sha256 = models.CharField(max_length=64, blank=True)
    brand_color = models.CharField(max_length=7, blank=True,
                                   help_text="#rrggbb: the buyer portal's accent (AA contrast on white).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(domestic_zero_category__in=["Z", "E"]),
                                   name="seller_zero_category_valid"),
            models.CheckConstraint(condition=Q(logo_content_type__in=["", "image/png", "image/svg+xml"]),
                                   name="seller_logo_type_valid"),
        ]

    def __str__(self) -> str:
        return self.legal_name


class SellerBankAccount(models.Model):
    """Where buyers pay invoices in one currency: an IBAN (+ BIC), or a domestic account number
    with its bank code (US ABA routing number, UK sort code, JP bank and branch code)."""

    profile = models.ForeignKey(SellerProfile, on_delete=models.CASCADE, related_name="bank_accounts")
    currency = models.CharField(max_length=3)
    account_holder = models.CharField(max_length=140, blank=True)
    bank_name = models.CharField(max_length=140, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    account_number = models.CharField(max_length=34, blank=True)
    bank_code = models.CharField(max_length=16, blank=True)
    bank_code_label = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "currency"], name="seller_bank_account_currency_unique"),
            models.CheckConstraint(condition=~Q(iban="") | ~Q(account_number=""),
                                   name="seller_bank_account_has_account"),
        ]


class SellerLogo(models.Model):
    """Every logo a document was issued with, by content hash: an issued invoice's snapshot names
    its logo's hash and keeps showing it after the profile's logo changes."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    content_type = models.CharField(max_length=32)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
