"""The domains' buyer-facing sentences the portal shows, marked for translation here (the domains
write English; the portal's catalogue, locale/de, carries their German)."""
from django.utils.translation import gettext_noop as N_

DOMAIN_BUYER_MESSAGES = (
    # sign-in and roles
    N_("Please sign in to see your company's account."),
    N_("Your session has ended. Please sign in again."),
    N_("This sign-in link is not valid any more (used, expired or replaced). Ask for a new one."),
    N_("Too many sign-in links were asked for. Please wait a few minutes and try again."),
    N_("Please enter a valid e-mail address."),
    N_("Your role in your company's account does not allow this. Ask your company's admin."),
    N_("You cannot remove your own admin role; ask another admin."),
    N_("Your account is not part of a company credit account."),
    N_("Please confirm your e-mail address first: open the confirmation link we sent you when you registered, "
       "then sign in again."),
    N_("We could not check your account right now. Please try again in a minute."),
    N_("Please sign in to your account to see your company's credit."),
    N_("Your sign-in could not be verified. Please sign out and sign in again."),
    N_("Your session has expired. Please sign in again."),
    N_("This shop is not connected to net terms. Please contact the shop."),
    N_("Net terms are no longer offered by this shop. Please contact the shop."),
    N_("The reason contains characters that are not allowed. Please remove them and try again."),
    N_("This page may not sign you in to the net-terms portal. Open the portal from the shop's account page."),
    # remittances, documents
    N_("Choose between 2 and 50 of your open invoices in one currency."),
    N_("Some of the chosen invoices are not open any more. Please choose again."),
    N_("One transfer pays invoices of one currency. Choose invoices in one currency."),
    N_("The electronic invoice (XML) is not available for this document; the PDF is. Ask the merchant for details."),
    # collections: promises and disputes
    N_("A promise needs an amount above zero."),
    N_("The promised date cannot be in the past."),
    N_("A promise may be at most 180 days ahead."),
    N_("This company already has an open promise to pay."),
    N_("No such invoice for this company."),
    # approvals: limit requests and buyer approvals
    N_("A credit limit request for your company is already being reviewed."),
    N_("This request has already been decided."),
    N_("You cannot decide this request."),
    N_("This order no longer needs your decision."),
    N_("This approval link has already been used."),
    N_("This approval link has expired."),
    N_("Something went wrong. Please try again or contact the merchant."),
    N_("Please check the form."),
    N_("The request could not be read."),
)
