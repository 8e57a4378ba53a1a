"""The kinds of the approval workflows' e-mails (``email.approval_link``, ``email.approval_outcome``),
built and sent by the app's one e-mail builder (outbox.email)."""
LINK_KIND = "email.approval_link"
OUTCOME_KIND = "email.approval_outcome"
