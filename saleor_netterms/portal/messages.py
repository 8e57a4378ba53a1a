"""The domains' buyer-facing sentences the portal shows, marked for translation here (the domains
write English; the portal's catalogues, locale/de and locale/fr, carry their German and French;
makemessages extracts them because they are marked with gettext_noop)."""
from django.utils.translation import gettext_noop

DOMAIN_BUYER_MESSAGES = (
    # sign-in and roles
    gettext_noop("Please sign in to see your company's account."),
    gettext_noop("Your session has ended. Please sign in again."),
    gettext_noop("This sign-in link is not valid any more (used, expired or replaced). Ask for a new one."),
    gettext_noop("Too many sign-in links were asked for. Please wait a few minutes and try again."),
    gettext_noop("Please enter a valid e-mail address."),
    gettext_noop("Your role in your company's account does not allow this. Ask your company's admin."),
    gettext_noop("You cannot remove your own admin role; ask another admin."),
    gettext_noop("Your account is not part of a company credit account."),
    gettext_noop("Please confirm your e-mail address first: open the confirmation link we sent you when you registered, "
             "then sign in again."),
    gettext_noop("We could not check your account right now. Please try again in a minute."),
    gettext_noop("Please sign in to your account to see your company's credit."),
    gettext_noop("Your sign-in could not be verified. Please sign out and sign in again."),
    gettext_noop("Your session has expired. Please sign in again."),
    gettext_noop("This shop is not connected to net terms. Please contact the shop."),
    gettext_noop("Net terms are no longer offered by this shop. Please contact the shop."),
    gettext_noop("The reason contains characters that are not allowed. Please remove them and try again."),
    gettext_noop("This page may not sign you in to the net-terms portal. Open the portal from the shop's account page."),
    # company admin: billing contact, PO rules
    gettext_noop("Please enter a valid e-mail address for the billing contact."),
    gettext_noop("Write the pattern with # for a digit, @ for a letter, ? for any one character and * for any characters, "
             "e.g. PO-* or 45########."),
    # remittances, documents
    gettext_noop("Choose between 2 and 50 of your open invoices in one currency."),
    gettext_noop("Some of the chosen invoices are not open any more. Please choose again."),
    gettext_noop("One transfer pays invoices of one currency. Choose invoices in one currency."),
    gettext_noop("The electronic invoice (XML) is not available for this document; the PDF is. Ask the merchant for details."),
    # collections: promises and disputes
    gettext_noop("A promise needs an amount above zero."),
    gettext_noop("The promised date cannot be in the past."),
    gettext_noop("A promise may be at most 180 days ahead."),
    gettext_noop("This company already has an open promise to pay."),
    gettext_noop("No such invoice for this company."),
    # approvals: limit requests and buyer approvals
    gettext_noop("A credit limit request for your company is already being reviewed."),
    gettext_noop("This request has already been decided."),
    gettext_noop("You cannot decide this request."),
    gettext_noop("This order no longer needs your decision."),
    gettext_noop("This approval link has already been used."),
    gettext_noop("This approval link has expired."),
    gettext_noop("Something went wrong. Please try again or contact the merchant."),
    gettext_noop("Please check the form."),
    gettext_noop("The request could not be read."),
)
