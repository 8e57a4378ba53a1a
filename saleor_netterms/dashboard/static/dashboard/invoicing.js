/*
 * NetTerms.invoicing: what the invoice pages and the company's Invoicing tab share — the status
 * pill (void, credit note, overdue, paid, partly paid, open), links to the signed documents, and
 * the "Issue credit note" and "Void" dialogs (templates/dashboard/_invoice_dialogs.html).
 * Amounts stay exact decimal strings; textContent only.
 */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";

  var CREDIT_NOTE_ISSUE = "mutation CreditNoteIssue($invoiceId: ID!, $amount: String, $reason: String!) {\n" +
    "  creditNoteIssue(invoiceId: $invoiceId, amount: $amount, reason: $reason) {\n" +
    "    creditNote { id number totalGross { " + M + " } }\n    errors { code field message }\n  }\n}";
  var INVOICE_VOID = "mutation InvoiceVoid($invoiceId: ID!, $reason: String!) {\n" +
    "  invoiceVoid(invoiceId: $invoiceId, reason: $reason) {\n" +
    "    invoice { id number status }\n    creditNote { id number totalGross { " + M + " } }\n" +
    "    errors { code field message }\n  }\n}";

  var DOCUMENTS = [["pdf", "PDF"], ["facturx", "Factur-X"], ["ubl", "UBL"]];

  // Void > credit note > overdue > paid > partly paid > open.
  function statusPill(inv) {
    if (inv.status === "VOID") { return ui.pill("CLOSED", "Void"); }
    if (inv.kind === "CREDIT_NOTE") { return ui.pill("CREDITED", "Credit note"); }
    if (inv.daysPastDue > 0) { return ui.pill("DEAD", "Overdue"); }
    if (inv.openAmount && ui.isZero(inv.openAmount)) { return ui.pill("PAID", "Paid"); }
    if (inv.openAmount && ui.decimalCompare(inv.openAmount.amount, inv.amountDue.amount) < 0) {
      return ui.pill("PENDING", "Partly paid");
    }
    return ui.pill("OPEN", "Open");
  }

  function kindLabel(inv) { return inv.kind === "CREDIT_NOTE" ? "Credit note" : "Invoice"; }

  // "12 days overdue" (visible), or the due date.
  function dueCell(inv) {
    return [ui.date(inv.dueDate), inv.daysPastDue > 0
      ? h("div", { class: "nt-sub nt-overdue" }, ui.number(inv.daysPastDue) + (inv.daysPastDue === 1 ? " day overdue" : " days overdue"))
      : null];
  }

  // Links to the signed, expiring documents (they download; a new tab keeps the Dashboard open).
  function documentLinks(inv) {
    return h("span", { class: "nt-docs" }, DOCUMENTS.map(function (pair) {
      var url = inv.documents && inv.documents[pair[0]];
      if (!url || !/^https?:\/\//.test(url)) { return null; }
      return h("a", { class: "nt-link", href: url, target: "_blank", rel: "noopener noreferrer",
        "aria-label": pair[1] + " of " + inv.number + " (download)" }, pair[1]);
    }));
  }

  // The API says which actions apply (Invoice.actions: none for a credit note or a void invoice, no
  // credit note once the invoice is fully credited); without it, an issued invoice may be changed.
  function allows(inv, action) {
    if (inv.actions) { return inv.actions.indexOf(action) >= 0; }
    return inv.kind === "INVOICE" && inv.status === "ISSUED";
  }
  function canChange(inv) { return allows(inv, "CREDIT_NOTE") || allows(inv, "VOID"); }

  // --- dialogs -----------------------------------------------------------------------------------
  var creditDialog = document.getElementById("nt-credit-dialog");
  var creditForm = document.getElementById("nt-credit-form");
  var voidDialog = document.getElementById("nt-void-dialog");
  var voidForm = document.getElementById("nt-void-form");
  var pending = null;

  function submit(form, dialog, query, variables, key, done) {
    ui.busy(form, true);
    return NT.gql(query, variables).then(function (data) {
      var result = data[key];
      if (result.errors.length) { ui.showFieldErrors(form, result.errors, { invoiceId: null }); return; }
      ui.closeDialog(dialog);
      return done(result);
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  }

  function syncCreditMode() {
    var partial = creditForm.mode.value === "amount";
    creditForm.amount.disabled = !partial;
    document.getElementById("cn-amount-field").hidden = !partial;
  }

  function openCreditNote(inv, opener, done) {
    pending = { invoice: inv, done: done };
    creditForm.reset();
    document.getElementById("nt-credit-context").textContent = inv.number + " · " + inv.company.legalName +
      " · total " + ui.money(inv.totalGross) + (inv.openAmount ? " · open " + ui.money(inv.openAmount) : "");
    document.getElementById("cn-currency").textContent = inv.currency;
    syncCreditMode();
    ui.openDialog(creditDialog, opener);
  }

  function openVoid(inv, opener, done) {
    pending = { invoice: inv, done: done };
    voidForm.reset();
    document.getElementById("nt-void-context").textContent = inv.number + " (" + ui.money(inv.totalGross) + ", " +
      inv.company.legalName + ") becomes void and keeps its number. A credit note reverses what can still be credited on it.";
    ui.openDialog(voidDialog, opener);
  }

  if (creditForm) {
    creditForm.addEventListener("change", function (event) { if (event.target.name === "mode") { syncCreditMode(); } });
    creditForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var partial = creditForm.mode.value === "amount";
      var amount = creditForm.amount.value.trim(), reason = creditForm.reason.value.trim();
      var problems = [];
      if (partial && !/^\d+(\.\d+)?$/.test(amount)) {
        problems.push({ code: "INVALID_AMOUNT", field: "amount", message: "An amount like 50.00." });
      }
      if (!reason) { problems.push({ code: "REASON_REQUIRED", field: "reason", message: "Say why (printed on the credit note)." }); }
      if (problems.length) { ui.showFieldErrors(creditForm, problems); return; }
      var inv = pending.invoice;
      submit(creditForm, creditDialog, CREDIT_NOTE_ISSUE,
        { invoiceId: inv.id, amount: partial ? amount : null, reason: reason }, "creditNoteIssue", function (result) {
          return pending.done("Credit note " + result.creditNote.number + " for " + ui.money(result.creditNote.totalGross) +
            " issued against " + inv.number + ".");
        });
    });
  }

  if (voidForm) {
    voidForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var reason = voidForm.reason.value.trim();
      if (!reason) { ui.showFieldErrors(voidForm, [{ code: "REASON_REQUIRED", field: "reason", message: "Say why (kept in the audit trail)." }]); return; }
      var inv = pending.invoice;
      submit(voidForm, voidDialog, INVOICE_VOID, { invoiceId: inv.id, reason: reason }, "invoiceVoid", function (result) {
        return pending.done(inv.number + " is void." + (result.creditNote
          ? " Credit note " + result.creditNote.number + " reverses " + ui.money(result.creditNote.totalGross) + "." : ""));
      });
    });
  }

  // Buttons for a row or a header: only the actions that apply ("Credit note", "Void").
  function actionButtons(inv, done, small) {
    if (!canChange(inv)) { return null; }
    var cls = "nt-button is-secondary" + (small ? " is-small" : "");
    return [
      allows(inv, "CREDIT_NOTE") ? h("button", { type: "button", class: cls, "aria-label": small ? "Issue a credit note for " + inv.number : null,
        onclick: function (e) { openCreditNote(inv, e.currentTarget, done); } }, "Credit note") : null,
      allows(inv, "VOID") ? h("button", { type: "button", class: cls, "aria-label": small ? "Void " + inv.number : null,
        onclick: function (e) { openVoid(inv, e.currentTarget, done); } }, "Void") : null,
    ].filter(Boolean);
  }

  NT.invoicing = {
    statusPill: statusPill, kindLabel: kindLabel, dueCell: dueCell, documentLinks: documentLinks,
    canChange: canChange, actionButtons: actionButtons, openCreditNote: openCreditNote, openVoid: openVoid,
  };
})();
