"""The kind of the portal's e-mails to buyers (sign-in links and invitations,
``email.portal_sign_in``), built and sent by the app's one e-mail builder (outbox.email) in the
transaction that created the link."""
SIGN_IN_KIND = "email.portal_sign_in"
