"""Getting paid automatically: bank statements, ERP-posted payments and payouts reconciled
against open invoices.

What happens when a bank statement arrives:

1. ``statements/`` — pure parsers: ISO 20022 camt.052/053/054 (``camt.py``), SWIFT MT940
   (``mt940.py``), CSV with a saved column mapping (``csv.py``); each gives ``ParsedStatement``s
   of ``ParsedLine``s or raises a coded ``StatementError`` naming the line/element.
2. ``services.statement_import`` — records the file (hash, account, period, who) before parsing,
   refuses foreign/broken files writing nothing else, checks the opening balance against the
   previous closing one, stores each bank entry once (unique key per account), and hands every
   credit to the one intake.
3. ``services.payment_intake`` — the ONE way money seen anywhere (bank line, ERP, payout) enters:
   recognises the same payment from two sources, then matches it.
4. ``matching.py`` — the pure rules, in order, each explainable: RF creditor reference →
   invoice/order number in the remittance text → the payer's company + amount (one invoice or a
   bounded subset-sum) → suggestions. Amount logic: partial, overpayment, tolerance, discount.
5. Confirmed matches go through ``workflows.payments.payment_record`` (one ledger, Saleor told via
   the outbox); debits and unmatches through ``workflows.payments.payment_reverse``.
6. ``selectors.py`` — the queue, statements and ``company_has_pending_payment`` for collections.
"""
