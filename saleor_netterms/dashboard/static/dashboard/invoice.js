/* One invoice or credit note as issued: lines, tax breakdown, totals, schedule (and early-payment
 * discount), remittance with the RF reference, the parties, documents and credit notes; credit
 * note and void from the header. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h, inv = NT.invoicing;
  var match = window.location.pathname.match(/\/app\/invoices\/(\d+)\/?$/);
  var invoiceId = match ? match[1] : null;
  var statusEl = document.getElementById("nt-status");
  var root = document.getElementById("nt-invoice");
  var M = "amount currency";
  var PARTY = "name taxId registrationId email phone contactName erpCustomerNumber " +
    "address { lines(language: $language) }";

  var INVOICE = "query Invoice($id: ID!, $language: String) {\n  invoice(id: $id) {\n" +
    "    id number kind status issueDate dueDate currency daysPastDue orderNumber poNumber voidedAt voidReason actions\n" +
    "    termsLabel language note deliveryDate createdAt\n" +
    "    totalGross { " + M + " } amountDue { " + M + " } openAmount { " + M + " }\n" +
    "    company { id legalName } creditedInvoice { id number } documents { pdf facturx ubl } einvoiceProblem\n" +
    "    seller { " + PARTY + " } buyer { " + PARTY + " }\n" +
    "    lines { position description sku quantity unitCode unitNet { " + M + " } net { " + M + " } taxCategory taxRate\n" +
    "      tax { " + M + " } gross { " + M + " } }\n" +
    "    taxBreakdown { category rate taxable { " + M + " } tax { " + M + " } exemptionReason }\n" +
    "    totals { net { " + M + " } tax { " + M + " } gross { " + M + " } prepaid { " + M + " } amountDue { " + M + " } }\n" +
    "    schedule { dueDate label amount { " + M + " } }\n" +
    "    discount { percent deadline amount { " + M + " } }\n" +
    "    remittance { iban bic accountHolder bankName paymentReference epcQrPayload }\n" +
    "    creditNotes { id number kind status issueDate note voidReason currency daysPastDue\n" +
    "      totalGross { " + M + " } amountDue { " + M + " } openAmount { " + M + " } documents { pdf facturx ubl } }\n" +
    "  }\n}";

  var CATEGORIES = { S: "Standard rate", Z: "Zero rate", E: "Exempt", AE: "Reverse charge", K: "Intra-EU supply", O: "Outside the scope of VAT" };
  var percentText = function (value) { return value + " %"; };

  function meta(dl, pairs) {
    ui.clear(dl);
    pairs.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") { return; }
      dl.appendChild(h("div", {}, h("dt", {}, pair[0]), h("dd", {}, pair[1])));
    });
  }

  function render(invoice) {
    var creditNote = invoice.kind === "CREDIT_NOTE";
    document.title = "Net Terms — " + invoice.number;
    document.getElementById("nt-invoice-number").textContent = (creditNote ? "Credit note " : "Invoice ") + invoice.number;
    ui.clear(document.getElementById("nt-invoice-pills")).appendChild(inv.statusPill(invoice));
    ui.clear(document.getElementById("nt-invoice-company")).appendChild(
      h("a", { class: "nt-link", href: NT.href("/app/companies/" + invoice.company.id + "#invoicing") }, invoice.company.legalName));
    ui.clear(document.getElementById("nt-invoice-actions")).appendChild(h("span", {}, inv.actionButtons(invoice, done, false)));

    meta(document.getElementById("nt-invoice-meta"), [
      ["Issued", ui.date(invoice.issueDate)],
      ["Due", creditNote ? null : (invoice.dueDate ? inv.dueCell(invoice) : "On fulfilment")],
      ["Terms", creditNote ? null : invoice.termsLabel],
      ["Credits invoice", invoice.creditedInvoice
        ? h("a", { class: "nt-link nt-mono", href: NT.href("/app/invoices/" + invoice.creditedInvoice.id) }, invoice.creditedInvoice.number) : null],
      ["Order", invoice.orderNumber ? "#" + invoice.orderNumber : null],
      ["PO number", invoice.poNumber],
      ["Delivered", invoice.deliveryDate ? ui.date(invoice.deliveryDate) : null],
      ["Language", ui.language(invoice.language)],
      ["Note", invoice.note],
      ["Voided", invoice.voidedAt ? ui.dateTime(invoice.voidedAt) + (invoice.voidReason ? " · " + invoice.voidReason : "") : null],
    ]);

    ui.clear(document.getElementById("nt-invoice-documents")).appendChild(inv.documentLinks(invoice));
    var einvoice = document.getElementById("nt-einvoice-problem");
    einvoice.hidden = !invoice.einvoiceProblem;
    einvoice.textContent = invoice.einvoiceProblem ? "No e-invoice could be produced for this document; the buyer " +
      "received the PDF. The rules report: " + invoice.einvoiceProblem + " Complete the seller profile (Seller profile) " +
      "and the company's details; documents issued from then on carry the e-invoice." : "";
    var totals = ui.clear(document.getElementById("nt-invoice-totals"));
    [["Net", invoice.totals.net], ["Tax", invoice.totals.tax], ["Gross", invoice.totals.gross],
     [creditNote ? "Credited" : "Amount due", invoice.totals.amountDue],
     [creditNote ? null : "Open (ledger)", invoice.openAmount]].forEach(function (pair) {
      if (!pair[0] || !pair[1]) { return; }
      var key = pair[0] === "Open (ledger)";
      totals.appendChild(h("div", { class: "nt-stat" + (key ? " is-key" : "") }, h("dt", {}, pair[0]), h("dd", {}, ui.moneyEl(pair[1]))));
    });

    var lines = ui.clear(document.getElementById("nt-lines"));
    invoice.lines.forEach(function (l) {
      lines.appendChild(h("tr", {},
        h("td", {}, String(l.position)),
        h("td", {}, l.description, l.sku ? h("div", { class: "nt-sub nt-mono" }, "SKU " + l.sku) : null),
        h("td", { class: "nt-num" }, l.quantity),
        h("td", { class: "nt-num" }, ui.moneyEl(l.unitNet)),
        h("td", { class: "nt-num" }, ui.moneyEl(l.net)),
        h("td", { class: "nt-num" }, ui.moneyEl(l.tax), h("div", { class: "nt-sub" }, percentText(l.taxRate) + " · " + l.taxCategory)),
        h("td", { class: "nt-num" }, ui.moneyEl(l.gross))));
    });
    ui.clear(document.getElementById("nt-lines-total")).appendChild(h("tr", { class: "nt-total-row" },
      h("th", { scope: "row", colspan: "4" }, "Total"),
      h("td", { class: "nt-num" }, ui.moneyEl(invoice.totals.net)),
      h("td", { class: "nt-num" }, ui.moneyEl(invoice.totals.tax)),
      h("td", { class: "nt-num" }, ui.moneyEl(invoice.totals.gross))));

    var tax = ui.clear(document.getElementById("nt-tax"));
    invoice.taxBreakdown.forEach(function (t) {
      tax.appendChild(h("tr", {},
        h("td", {}, (CATEGORIES[t.category] || t.category), h("span", { class: "nt-muted" }, " (" + t.category + ")")),
        h("td", { class: "nt-num" }, percentText(t.rate)),
        h("td", { class: "nt-num" }, ui.moneyEl(t.taxable)),
        h("td", { class: "nt-num" }, ui.moneyEl(t.tax)),
        h("td", {}, t.exemptionReason || h("span", { class: "nt-muted" }, "—"))));
    });

    document.getElementById("nt-terms-label").textContent = creditNote ? "Credited to the company's account." : "Terms: " + invoice.termsLabel;
    var schedule = ui.clear(document.getElementById("nt-schedule"));
    invoice.schedule.forEach(function (p) {
      schedule.appendChild(h("tr", {}, h("td", {}, p.dueDate ? ui.date(p.dueDate) : "On fulfilment"), h("td", {}, p.label),
        h("td", { class: "nt-num" }, ui.moneyEl(p.amount))));
    });
    var discount = document.getElementById("nt-discount");
    discount.hidden = !invoice.discount;
    if (invoice.discount) {
      discount.textContent = "Early-payment discount: " + percentText(invoice.discount.percent) + " (" + ui.money(invoice.discount.amount) +
        ") when paid by " + ui.date(invoice.discount.deadline) + ".";
    }

    var r = invoice.remittance;
    meta(document.getElementById("nt-remittance"), [
      ["Payment reference", h("span", { class: "nt-mono", id: "nt-rf" }, r.paymentReference || "—")],
      ["Account holder", r.accountHolder], ["IBAN", r.iban ? h("span", { class: "nt-mono" }, r.iban)
        : h("span", { class: "nt-warn-text" }, "Not configured — ", h("a", { class: "nt-link", href: NT.href("/app/seller") }, "add a bank account"))],
      ["BIC", r.bic], ["Bank", r.bankName],
      ["SEPA QR code", r.epcQrPayload ? "On the PDF (EPC069-12)" : "None (EUR only)"],
    ]);

    var parties = ui.clear(document.getElementById("nt-parties"));
    [["Seller", invoice.seller], ["Buyer", invoice.buyer]].forEach(function (pair) {
      var p = pair[1];
      // the postal lines in the country's order, from the API (a US address: "NEW YORK, NY 10118")
      parties.appendChild(h("div", { class: "nt-address" }, h("h3", {}, pair[0]),
        h("div", {}, h("strong", {}, p.name)),
        p.address.lines.map(function (line) { return h("div", {}, line); }),
        p.taxId ? h("div", { class: "nt-sub" }, "Tax ID " + p.taxId) : null,
        p.registrationId ? h("div", { class: "nt-sub" }, "Registration " + p.registrationId) : null,
        p.erpCustomerNumber ? h("div", { class: "nt-sub" }, "ERP " + p.erpCustomerNumber) : null,
        [p.contactName, p.email, p.phone].filter(Boolean).length
          ? h("div", { class: "nt-sub" }, [p.contactName, p.email, p.phone].filter(Boolean).join(" · ")) : null));
    });

    document.getElementById("nt-credits-card").hidden = creditNote;
    var credits = ui.clear(document.getElementById("nt-credits"));
    if (!invoice.creditNotes.length) { ui.tableMessage(credits, 6, "No credit notes against this invoice."); }
    invoice.creditNotes.forEach(function (c) {
      credits.appendChild(h("tr", {},
        h("td", {}, h("a", { class: "nt-link nt-mono", href: NT.href("/app/invoices/" + c.id) }, c.number)),
        h("td", {}, ui.date(c.issueDate)),
        h("td", {}, c.note || "—"),
        h("td", {}, inv.statusPill(c)),
        h("td", { class: "nt-num" }, ui.moneyEl(c.totalGross)),
        h("td", {}, inv.documentLinks(c))));
    });
  }

  function load() {
    return NT.gql(INVOICE, { id: invoiceId, language: ui.locale }).then(function (data) {
      if (!data.invoice) {
        root.hidden = true;
        ui.banner(statusEl, "This invoice does not exist (or belongs to another Saleor).", "error");
        return;
      }
      root.hidden = false;
      render(data.invoice);
    }).catch(function (error) { ui.banner(statusEl, "The invoice could not be loaded: " + ui.errorText(error), "error"); });
  }

  function done(message) { ui.banner(statusEl, message, "success"); return load(); }

  if (!invoiceId) { ui.banner(statusEl, "No invoice id in the address.", "error"); return; }
  ui.start(statusEl, function () { load(); ui.configGaps(); });
})();
