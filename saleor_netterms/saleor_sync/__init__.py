"""Telling Saleor what happened: the outbox deliverers for Saleor (settings.OUTBOX_DELIVERERS).

The domains never import the Saleor adapter: they enqueue an outbox message in their own
transaction (checkout: transactionEventReport; invoicing: invoiceCreate/Update/SendNotification;
approvals: orderNoteAdd) and, after commit, the outbox calls the deliverer named for its kind —
a function here, which runs the GraphQL document as the installation (installations.saleor) and
classifies the answer as delivered, retry or rejected. An entry point like the webhook routes,
only in the other direction: the top layer of the import contract (setup.cfg).
"""
