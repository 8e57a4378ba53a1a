"""Use cases that span domains: the one place where one domain's step continues in another.

A domain never imports the domains above it (setup.cfg, the `layers` contract). When a step
crosses domains — a checkout decided "review" opens an approval; a capture books a receivable
and the company's invoicing policy issues its invoice; a payment is booked and each allocation
is reported on the order's Saleor transaction; a limit recommendation opens an approval request
— the use case lives here and hands the lower domain the higher domain's service as a keyword
argument (checkout.services.checkout_authorize(review_open=...)), which the lower domain calls
inside its own transaction, under its locks. So every step is still one database transaction,
and no domain knows who calls it.

Entry points (saleor_webhooks handlers, api, dashboard, portal, Celery tasks) call these.

    checkout.py         authorize → (review) approval · capture → receivable → invoice ·
                        refund → credit note · order cancelled / hold expired → review cancelled
    payments.py         payment booked → allocations reported to Saleor
    recommendations.py  limit recommendation → approval request
    tasks.py            the periodic jobs that run these use cases (Celery beat)
"""
