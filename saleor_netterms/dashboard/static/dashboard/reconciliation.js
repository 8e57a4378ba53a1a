/* Bank reconciliation: upload statements, the queue of unmatched and suggested payments with the
 * rule and the evidence, confirm / split / assign a company / ignore / unmatch, bulk confirm, and
 * each statement's balances and what is left. Everything through the app's GraphQL API. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var statusEl = document.getElementById("nt-status");
  var queue = document.getElementById("nt-queue");
  var files = document.getElementById("nt-files");
  var counts = document.getElementById("nt-counts");
  var bulk = document.getElementById("nt-bulk");
  var upload = document.getElementById("nt-upload");
  var dialog = document.getElementById("nt-decide");
  var decideForm = document.getElementById("nt-decide-form");
  var current = null;

  var LOAD = "query Reconciliation {\n" +
    "  bankAccounts { id name iban currency }\n" +
    "  reconciliationCounts { unmatched suggested matched ignored duplicate reversed }\n" +
    "  reconciliationQueue(first: 100) { id status rule explanation origin receivedOn payerName payerIban\n" +
    "    creditorReference remittanceText amount { " + M + " } company { id legalName }\n" +
    "    proposal { receivableId invoiceNumber amount { " + M + " } settlement settlementAmount { " + M + " } } }\n" +
    "  statementFiles(first: 20) { id filename receivedAt format version status errorCode errorMessage\n" +
    "    periodFrom periodTo linesNew linesKnown warnings bankAccount { id } }\n}";
  var CONFIRM = "mutation Confirm($id: ID!, $a: [AllocationSplitInput!], $c: ID) {\n" +
    "  incomingPaymentConfirm(id: $id, allocations: $a, companyId: $c) { errors { code field message } } }";
  var BULK = "mutation Bulk($ids: [ID!]!) { incomingPaymentsConfirm(ids: $ids) { confirmed refused { id code message } } }";
  var ASSIGN = "mutation Assign($id: ID!, $c: ID!) { incomingPaymentAssignCompany(id: $id, companyId: $c) { errors { code field message } } }";
  var IGNORE = "mutation Ignore($id: ID!, $r: String!) { incomingPaymentIgnore(id: $id, reason: $r) { errors { code field message } } }";
  var UNMATCH = "mutation Unmatch($id: ID!, $r: String!) { incomingPaymentUnmatch(id: $id, reason: $r) { errors { code field message } } }";
  var COMPANIES = "query Companies($s: String) { companies(search: $s, first: 10) { id legalName } }";
  var OPEN_INVOICES = "query Open($id: ID!, $c: ID!) { reconciliationOpenInvoices(incomingPaymentId: $id, companyId: $c) {\n" +
    "  receivableId invoiceNumber orderNumber dueDate discountDeadline openAmount { " + M + " } dueOnPayment { " + M + " } } }";
  var RUN = "mutation Run { reconcileRun { matched suggested unmatched } }";
  var STATEMENTS = "query S($a: ID!) { bankStatements(bankAccountId: $a) { id statementId toDate balanceCheck closingBalance { " + M + " } } }";
  var STATEMENT = "query S($id: ID!) { bankStatement(id: $id) { statementId format balanceCheck\n" +
    "  openingBalance { " + M + " } closingBalance { " + M + " } computedClosingBalance { " + M + " } previousClosingBalance { " + M + " }\n" +
    "  credits { " + M + " } debits { " + M + " } matched { " + M + " } open { " + M + " }\n" +
    "  lines { bookingDate counterpartyName remittanceText credit status incomingStatus amount { " + M + " } } } }";

  function suggestion(row) {
    var parts = [h("div", {}, ui.pill(row.status.toLowerCase(), ui.humanize(row.status.toLowerCase())),
      row.rule ? h("span", { class: "nt-sub" }, " rule: " + row.rule) : null)];
    if (row.explanation) { parts.push(h("div", { class: "nt-sub" }, row.explanation)); }
    row.proposal.forEach(function (p) {
      parts.push(h("div", { class: "nt-sub nt-mono" }, p.invoiceNumber + " ← ", ui.moneyEl(p.amount),
        p.settlement ? " + " + ui.money(p.settlementAmount) + " " + p.settlement : ""));
    });
    return parts;
  }

  function renderQueue(rows) {
    ui.clear(queue);
    bulk.disabled = true;
    if (!rows.length) { ui.tableMessage(queue, 7, "Nothing waits for a match."); return; }
    rows.forEach(function (row) {
      var box = h("input", { type: "checkbox", "aria-label": "Select", value: row.id,
        disabled: row.status === "SUGGESTED" && row.proposal.length ? null : "disabled" });
      box.addEventListener("change", function () { bulk.disabled = !queue.querySelector("input:checked"); });
      var decide = h("button", { type: "button", class: "nt-button is-secondary" }, "Decide…");
      decide.addEventListener("click", function () { openDecide(row, decide); });
      var confirm = row.proposal.length ? h("button", { type: "button", class: "nt-button" }, "Confirm") : null;
      if (confirm) { confirm.addEventListener("click", function () { act(CONFIRM, { id: row.id }, "incomingPaymentConfirm", "Confirmed."); }); }
      queue.appendChild(h("tr", {},
        h("td", {}, box), h("td", {}, ui.date(row.receivedOn)),
        h("td", {}, row.payerName || "—", row.payerIban ? h("div", { class: "nt-sub nt-mono" }, row.payerIban) : null,
          row.company ? h("div", { class: "nt-sub" }, row.company.legalName) : null),
        h("td", { class: "nt-num" }, ui.moneyEl(row.amount)),
        h("td", {}, row.creditorReference ? h("div", { class: "nt-mono" }, row.creditorReference) : null,
          h("div", { class: "nt-sub" }, row.remittanceText || "")),
        h("td", {}, suggestion(row)), h("td", { class: "nt-actions" }, confirm, decide)));
    });
  }

  function renderFiles(rows) {
    ui.clear(files);
    if (!rows.length) { ui.tableMessage(files, 6, "No statement uploaded yet."); return; }
    rows.forEach(function (row) {
      var name = h("button", { type: "button", class: "nt-link" }, row.filename || "(unnamed)");
      name.addEventListener("click", function () { if (row.bankAccount) { showStatements(row.bankAccount.id); } });
      files.appendChild(h("tr", {}, h("td", {}, name), h("td", {}, ui.dateTime(row.receivedAt)),
        h("td", {}, row.version || row.format || "—"),
        h("td", {}, row.periodFrom ? ui.date(row.periodFrom) + " – " + ui.date(row.periodTo) : "—"),
        h("td", {}, ui.pill(row.status, row.status), row.errorCode ? h("div", { class: "nt-sub" }, row.errorCode + ": " + row.errorMessage) : null,
          row.warnings.length ? h("div", { class: "nt-sub" }, row.warnings.join("; ")) : null),
        h("td", { class: "nt-num" }, row.linesNew + " / " + row.linesKnown)));
    });
  }

  function showStatements(accountId) {
    var box = document.getElementById("nt-statement");
    return NT.gql(STATEMENTS, { a: accountId }).then(function (data) {
      var first = data.bankStatements[0];
      if (!first) { ui.clear(box); return; }
      return NT.gql(STATEMENT, { id: first.id }).then(function (s) {
        var st = s.bankStatement;
        ui.clear(box).appendChild(h("div", { class: "nt-card" },
          h("h3", {}, "Statement " + st.statementId + " (" + st.format + ") — " + ui.humanize(st.balanceCheck)),
          h("dl", { class: "nt-dl" },
            h("dt", {}, "Opening"), h("dd", {}, st.openingBalance ? ui.moneyEl(st.openingBalance) : "—"),
            h("dt", {}, "Previous closing"), h("dd", {}, st.previousClosingBalance ? ui.moneyEl(st.previousClosingBalance) : "—"),
            h("dt", {}, "Credits / debits"), h("dd", {}, ui.money(st.credits) + " / " + ui.money(st.debits)),
            h("dt", {}, "Closing (bank / computed)"), h("dd", {}, (st.closingBalance ? ui.money(st.closingBalance) : "—") + " / " +
              (st.computedClosingBalance ? ui.money(st.computedClosingBalance) : "—")),
            h("dt", {}, "Matched"), h("dd", {}, ui.moneyEl(st.matched)),
            h("dt", {}, "Left to match"), h("dd", {}, ui.moneyEl(st.open))),
          h("ul", { class: "nt-list" }, st.lines.map(function (l) {
            return h("li", {}, ui.date(l.bookingDate) + " ", ui.moneyEl(l.amount), (l.credit ? " from " : " to ") +
              (l.counterpartyName || "—") + " · " + (l.incomingStatus || l.status));
          }))));
      });
    });
  }

  function load() {
    return NT.gql(LOAD, {}).then(function (data) {
      var c = data.reconciliationCounts;
      counts.textContent = c.unmatched + " unmatched · " + c.suggested + " suggested · " + c.matched + " matched · " +
        c.duplicate + " counted elsewhere · " + c.ignored + " ignored · " + c.reversed + " returned";
      var select = upload.bankAccountId;
      while (select.options.length > 1) { select.remove(1); }
      data.bankAccounts.forEach(function (a) { select.appendChild(h("option", { value: a.id }, a.name + " " + a.iban)); });
      renderQueue(data.reconciliationQueue);
      renderFiles(data.statementFiles);
    }).catch(function (error) { ui.banner(statusEl, "Could not load: " + ui.errorText(error), "error"); });
  }

  function act(query, variables, key, success) {
    return NT.gql(query, variables).then(function (data) {
      var errors = data[key].errors || [];
      if (errors.length) { ui.banner(statusEl, errors.map(ui.errorText).join("; "), "error"); return false; }
      ui.banner(statusEl, success, "success");
      return load().then(function () { return true; });
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); return false; });
  }

  var companiesBox = document.getElementById("d-companies");
  var invoicesBody = document.getElementById("d-invoices");
  var restEl = document.getElementById("d-rest");

  function chosenCompany() {
    var checked = companiesBox.querySelector("input:checked");
    return checked ? checked.value : null;
  }

  function renderCompanies(list, selected) {
    ui.clear(companiesBox);
    if (!list.length) { companiesBox.appendChild(h("p", { class: "nt-muted" }, "No company of that name.")); return; }
    list.forEach(function (c) {
      var radio = h("input", { type: "radio", name: "companyId", id: "d-company-" + c.id, value: c.id,
        checked: String(c.id) === String(selected) ? "checked" : null });
      radio.addEventListener("change", function () { loadInvoices(c.id, []); });
      companiesBox.appendChild(h("div", { class: "nt-choice" }, radio, h("label", { for: "d-company-" + c.id }, c.legalName)));
    });
  }

  function restUpdate() {
    if (!current) { return; }
    var applied = Array.prototype.map.call(invoicesBody.querySelectorAll("input[data-receivable]"), function (i) {
      return i.value.trim().replace(",", ".");
    }).filter(Boolean);
    var rest = ui.decimalSum([current.amount.amount, "-" + ui.decimalSum(applied)]);
    var value = { amount: rest.replace("-", ""), currency: current.amount.currency };
    if (ui.isNegative({ amount: rest })) {
      restEl.textContent = ui.money(value) + " more than the payment: lower an amount.";
    } else if (ui.isZero({ amount: rest })) {
      restEl.textContent = "The whole payment is allocated.";
    } else {
      restEl.textContent = ui.money(value) + " goes to the company's credit balance.";
    }
  }

  function loadInvoices(companyId, proposal) {
    var proposed = {};
    proposal.forEach(function (p) { proposed[String(p.receivableId)] = p; });
    ui.tableMessage(invoicesBody, 6, "Loading…");
    return NT.gql(OPEN_INVOICES, { id: current.id, c: companyId }).then(function (data) {
      var rows = data.reconciliationOpenInvoices;
      ui.clear(invoicesBody);
      if (!rows.length) { ui.tableMessage(invoicesBody, 6, "The company has no open invoice in " + current.amount.currency + "; the payment would go to its credit balance."); }
      rows.forEach(function (inv) {
        var p = proposed[String(inv.receivableId)];
        var amount = h("input", { type: "text", inputmode: "decimal", size: "10", "data-receivable": inv.receivableId,
          "aria-label": "Amount applied to " + inv.invoiceNumber, value: p ? p.amount.amount : "" });
        amount.addEventListener("input", restUpdate);
        var close = h("select", { "aria-label": "Close the rest of " + inv.invoiceNumber + " as" },
          h("option", { value: "" }, "Leave it open"), h("option", { value: "tolerance" }, "Write-off (tolerance)"),
          inv.discountDeadline ? h("option", { value: "discount" }, "Early-payment discount") : null);
        if (p && p.settlement) { close.value = p.settlement; }
        invoicesBody.appendChild(h("tr", {}, h("td", {}, inv.invoiceNumber), h("td", {}, inv.orderNumber || "—"),
          h("td", {}, ui.date(inv.dueDate)), h("td", { class: "nt-num" }, ui.moneyEl(inv.openAmount),
            inv.discountDeadline ? h("div", { class: "nt-sub" }, ui.money(inv.dueOnPayment) + " until " + ui.date(inv.discountDeadline)) : null),
          h("td", {}, amount), h("td", {}, close)));
      });
      restUpdate();
    }).catch(function (error) { ui.tableMessage(invoicesBody, 6, ui.errorText(error), "error"); });
  }

  function findCompanies(selected) {
    return NT.gql(COMPANIES, { s: decideForm.search.value.trim() || null }).then(function (data) {
      renderCompanies(data.companies, selected);
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  }

  function openDecide(row, opener) {
    current = row;
    decideForm.reset();
    document.getElementById("nt-decide-what").textContent = ui.money(row.amount) + " from " + (row.payerName || "an unknown payer") +
      " — " + (row.remittanceText || row.creditorReference || "no text");
    ui.clear(companiesBox);
    ui.tableMessage(invoicesBody, 6, "Choose the company first.");
    restEl.textContent = "";
    if (row.company) {
      renderCompanies([row.company], row.company.id);
      loadInvoices(row.company.id, row.proposal);
    } else {
      decideForm.search.value = row.payerName || "";
      if (row.payerName) { findCompanies(null); }
    }
    ui.openDialog(dialog, opener);
  }

  function allocations() {
    return Array.prototype.map.call(invoicesBody.querySelectorAll("tr"), function (tr) {
      var input = tr.querySelector("input[data-receivable]"), close = tr.querySelector("select");
      if (!input || !input.value.trim()) { return null; }
      return { receivableId: input.dataset.receivable, amount: input.value.trim().replace(",", "."), settlement: close.value || null };
    }).filter(Boolean);
  }

  decideForm.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target === decideForm.search) { event.preventDefault(); findCompanies(chosenCompany()); }
  });

  decideForm.addEventListener("click", function (event) {
    var button = event.target.closest("[data-act]");
    if (!button || !current) { return; }
    var f = decideForm, which = button.dataset.act, done, company = chosenCompany();
    if (which === "find") { findCompanies(company); return; }
    if ((which === "split" || which === "assign") && !company) {
      ui.banner(statusEl, "Choose the company that paid first.", "error"); return;
    }
    if (which === "split") {
      done = act(CONFIRM, { id: current.id, a: allocations(), c: company }, "incomingPaymentConfirm", "Confirmed.");
    } else if (which === "assign") {
      done = act(ASSIGN, { id: current.id, c: company }, "incomingPaymentAssignCompany", "Company assigned.");
    } else if (which === "ignore") {
      done = act(IGNORE, { id: current.id, r: f.reason.value }, "incomingPaymentIgnore", "Ignored.");
    } else {
      done = act(UNMATCH, { id: current.id, r: f.reason.value }, "incomingPaymentUnmatch", "Unmatched.");
    }
    done.then(function (ok) { if (ok) { ui.closeDialog(dialog); } });
  });

  bulk.addEventListener("click", function () {
    var ids = Array.prototype.map.call(queue.querySelectorAll("input:checked"), function (b) { return b.value; });
    NT.gql(BULK, { ids: ids }).then(function (data) {
      var r = data.incomingPaymentsConfirm;
      ui.banner(statusEl, r.confirmed.length + " confirmed" + (r.refused.length ? ", " + r.refused.length + " refused: " +
        r.refused.map(function (x) { return x.message; }).join("; ") : "."), r.refused.length ? "warning" : "success");
      return load();
    });
  });

  document.getElementById("nt-run").addEventListener("click", function () {
    NT.gql(RUN, {}).then(function (data) {
      var r = data.reconcileRun;
      ui.banner(statusEl, r.matched + " matched, " + r.suggested + " suggested, " + r.unmatched + " left.", "success");
      return load();
    });
  });

  upload.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = upload.file.files[0];
    if (!file) { return; }
    var params = { filename: file.name };
    if (upload.bankAccountId.value) { params.bankAccountId = upload.bankAccountId.value; }
    if (upload.acceptBalanceGap.checked) { params.acceptBalanceGap = "true"; }
    ui.busy(upload, true);
    // The file itself (not base64 in GraphQL): a month's camt.053 is larger than the GraphQL API takes.
    NT.upload("/graphql/statements", file, params).then(function (r) {
      var out = document.getElementById("nt-upload-result");
      out.textContent = (r.replayed ? "Already imported. " : "") + r.linesNew + " new entries (" + r.linesKnown +
        " already known): " + r.matched + " matched, " + r.suggested + " suggested, " + r.unmatched + " unmatched, " +
        r.duplicates + " counted from another source.";
      ui.banner(statusEl, "Statement imported.", "success");
    }, function (error) {
      document.getElementById("nt-upload-result").textContent = "";
      ui.banner(statusEl, ui.errorText(error), "error");
    }).then(load).then(function () { ui.busy(upload, false); }, function () { ui.busy(upload, false); });
  });

  ui.start(statusEl, load);
})();
