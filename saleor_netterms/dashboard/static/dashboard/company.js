/* One credit account: status, credit per currency, members, and the ledger / transactions /
 * receivables / payments tabs, with the status, limit, member and payment dialogs. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var PAGE_SIZE = 25;
  var match = window.location.pathname.match(/\/app\/companies\/(\d+)\/?$/);
  var companyId = match ? match[1] : null;
  var statusEl = document.getElementById("nt-status");
  var root = document.getElementById("nt-company");
  var company = null;
  var M = "amount currency";

  var COMPANY = "query Company($id: ID!) {\n  company(id: $id) {\n" +
    "    id legalName taxId taxIdCountry taxIdDisplay billingContactName billingContactEmail billingContactPhone\n" +
    "    erpCustomerNumber status statusReason statusChangedAt defaultTermsDays poNumberRequired\n" +
    "    allowedChannels createdAt creditTier limits { " + M + " }\n" +
    "    members { id kind value role domainVerified isActive createdAt spendingLimit { " + M + " } }\n  }\n}";
  var SUMMARY_FIELDS = "currency limit { " + M + " } holds { " + M + " } receivables { " + M + " } " +
    "creditBalance { " + M + " } exposure { " + M + " } available { " + M + " }";
  var LEDGER = "query Ledger($id: ID!, $currency: String, $first: Int, $offset: Int) {\n  company(id: $id) {\n" +
    "    ledger(currency: $currency, first: $first, offset: $offset) {\n" +
    "      id kind memo references effectiveDate createdAt amount { " + M + " }\n" +
    "      legs { id accountKind side amount { " + M + " } }\n    }\n  }\n}";
  var TRANSACTIONS = "query Transactions($id: ID!, $status: TransactionStatus, $first: Int, $offset: Int) {\n" +
    "  company(id: $id) {\n    transactions(status: $status, first: $first, offset: $offset) {\n" +
    "      id pspReference status poNumber termsDays channelSlug orderId orderNumber createdAt\n" +
    "      amount { " + M + " } held { " + M + " } decisionOutcome decisionScore\n" +
    "      decisionReasons { code merchantMessage }\n    }\n  }\n}";
  var RECEIVABLES = "query Receivables($id: ID!, $status: ReceivableStatus, $first: Int, $offset: Int) {\n" +
    "  company(id: $id) {\n    receivables(status: $status, first: $first, offset: $offset) {\n" +
    "      id reference invoiceNumber orderId orderNumber issueDate dueDate termsDays status daysPastDue\n" +
    "      amount { " + M + " } openAmount { " + M + " }\n    }\n  }\n}";
  var PAYMENTS = "query Payments($id: ID!, $first: Int, $offset: Int) {\n  company(id: $id) {\n" +
    "    payments(first: $first, offset: $offset) {\n" +
    "      id reference source receivedOn recordedBy memo amount { " + M + " } unallocatedAmount { " + M + " }\n" +
    "      allocations { id amount { " + M + " } receivable { id reference invoiceNumber orderNumber } }\n    }\n  }\n}";
  var STATUS_SET = "mutation StatusSet($id: ID!, $status: CompanyStatus!, $reason: String) {\n" +
    "  companyStatusSet(id: $id, status: $status, reason: $reason) { company { id } errors { code field message } }\n}";
  var LIMIT_SET = "mutation LimitSet($companyId: ID!, $amount: String!, $currency: String!) {\n" +
    "  creditLimitSet(companyId: $companyId, amount: $amount, currency: $currency) { limit { " + M + " } errors { code field message } }\n}";
  var MEMBER_ADD = "mutation MemberAdd($companyId: ID!, $kind: MemberKind!, $value: String!, $role: MemberRole,\n" +
    "    $spendingLimit: MoneyInput, $domainVerified: Boolean) {\n" +
    "  memberAdd(companyId: $companyId, kind: $kind, value: $value, role: $role, spendingLimit: $spendingLimit,\n" +
    "      domainVerified: $domainVerified) { member { id } errors { code field message } }\n}";
  var MEMBER_REMOVE = "mutation MemberRemove($id: ID!) { memberRemove(id: $id) { member { id } errors { code field message } } }";
  var MEMBER_VERIFY = "mutation MemberDomainVerify($id: ID!) { memberDomainVerify(id: $id) { member { id } errors { code field message } } }";
  var PAYMENT_RECORD = "mutation PaymentRecord($companyId: ID!, $amount: String!, $currency: String!, $receivedOn: Date!,\n" +
    "    $reference: String!, $memo: String, $allocations: [PaymentAllocationInput!]) {\n" +
    "  paymentRecord(companyId: $companyId, amount: $amount, currency: $currency, receivedOn: $receivedOn,\n" +
    "      reference: $reference, memo: $memo, allocations: $allocations) {\n" +
    "    payment { id reference amount { " + M + " } unallocatedAmount { " + M + " } allocations { id } }\n" +
    "    errors { code field message }\n  }\n}";

  // Credit tier, company details, limit requests and decision records (api/policies.py, api/approvals.py).
  var TIER_SET = "mutation CompanyTierSet($companyId: ID!, $tier: CreditTier!, $reason: String) {\n" +
    "  companyTierSet(companyId: $companyId, tier: $tier, reason: $reason) { tier errors { code field message } }\n}";
  var COMPANY_UPDATE = "mutation CompanyUpdate($id: ID!, $legalName: String, $taxId: String, $taxIdCountry: String,\n" +
    "    $erpCustomerNumber: String, $billingContactName: String, $billingContactEmail: String, $billingContactPhone: String,\n" +
    "    $defaultTermsDays: Int, $poNumberRequired: Boolean, $allowedChannels: [String!]) {\n" +
    "  companyUpdate(id: $id, legalName: $legalName, taxId: $taxId, taxIdCountry: $taxIdCountry, erpCustomerNumber: $erpCustomerNumber,\n" +
    "      billingContactName: $billingContactName, billingContactEmail: $billingContactEmail, billingContactPhone: $billingContactPhone,\n" +
    "      defaultTermsDays: $defaultTermsDays, poNumberRequired: $poNumberRequired, allowedChannels: $allowedChannels) {\n" +
    "    company { id } errors { code field message }\n  }\n}";
  var LIMIT_REQUEST = "mutation LimitRequestCreate($companyId: ID!, $amount: String!, $currency: String!, $reason: String!) {\n" +
    "  limitRequestCreate(companyId: $companyId, amount: $amount, currency: $currency, reason: $reason) {\n" +
    "    request { id status routeName steps { position name } } errors { code field message }\n  }\n}";
  var DECISIONS = "query DecisionRecords($companyId: ID!, $days: Int, $first: Int, $offset: Int) {\n" +
    "  decisionRecords(companyId: $companyId, days: $days, first: $first, offset: $offset) {\n" +
    "    id saleorTransactionId channel tier outcome localOutcome score reasons policyVersion policySource createdAt\n" +
    "    amount { " + M + " }\n  }\n}";

  function flash(text, kind) { ui.banner(statusEl, text, kind); }

  function currencies() { return company ? company.limits.map(function (l) { return l.currency; }) : []; }

  // --- header -----------------------------------------------------------------------------------
  function renderHeader() {
    document.getElementById("nt-company-name").textContent = company.legalName;
    document.title = "Net Terms — " + company.legalName;
    ui.clear(document.getElementById("nt-company-status")).appendChild(ui.pill(company.status));
    document.getElementById("nt-company-status-reason").textContent =
      company.statusReason ? company.statusReason + (company.statusChangedAt ? " · " + ui.dateTime(company.statusChangedAt) : "") : "";
    // one line each: an e-mail address wraps only at its own punctuation, never mid-word
    var contact = [company.billingContactName, company.billingContactEmail, company.billingContactPhone].filter(Boolean)
      .map(function (line) { return h("div", { class: "nt-contact-line" }, line); });
    var meta = [
      ["Tax ID", company.taxId ? company.taxIdDisplay + (company.taxIdCountry && company.taxIdDisplay.indexOf(company.taxIdCountry) !== 0 ? " (" + company.taxIdCountry + ")" : "") : "—"],
      ["ERP customer", company.erpCustomerNumber || "—"],
      ["Terms", "Net " + company.defaultTermsDays + (company.poNumberRequired ? " · PO number required" : "")],
      ["Credit tier", ui.humanize(company.creditTier)],
      ["Channels", company.allowedChannels.length ? company.allowedChannels.join(", ") : "All channels"],
      ["Billing contact", contact.length ? contact : "—"],
      ["Customer since", ui.date(company.createdAt)],
    ];
    var dl = ui.clear(document.getElementById("nt-company-meta"));
    meta.forEach(function (pair) { dl.appendChild(h("div", {}, h("dt", {}, pair[0]), h("dd", {}, pair[1]))); });
  }

  // --- credit -----------------------------------------------------------------------------------
  function meter(summary) {
    var limit = summary.limit.amount;
    var used = ui.permille(summary.exposure.amount, limit);
    var receivables = ui.permille(summary.receivables.amount, limit) || 0;
    var holds = ui.permille(summary.holds.amount, limit) || 0;
    var tone = used === null ? "" : used >= 1000 ? " is-error" : used >= 800 ? " is-warning" : "";
    var recW = Math.min(1000, Math.max(0, receivables));
    var holdW = Math.min(1000 - recW, Math.max(0, holds));
    var label = used === null ? "No limit in " + summary.currency : ui.percentFromPermille(used) + " of the limit used";
    // widths through the CSSOM: a style attribute is refused by the page's CSP (style-src 'self')
    var recBar = h("span", { class: "nt-meter-receivables" }), holdBar = h("span", { class: "nt-meter-holds" });
    recBar.style.width = recW / 10 + "%";
    holdBar.style.width = holdW / 10 + "%";
    var bar = h("div", { class: "nt-meter" + tone, role: "meter", "aria-label": summary.currency + " credit used",
      "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": used === null ? "0" : String(Math.min(used, 1000) / 10),
      "aria-valuetext": label }, recBar, holdBar);
    return h("div", { class: "nt-meter-wrap" }, bar,
      h("div", { class: "nt-meter-legend" },
        h("span", {}, h("i", { class: "nt-dot nt-meter-receivables", "aria-hidden": "true" }), "Receivables"),
        h("span", {}, h("i", { class: "nt-dot nt-meter-holds", "aria-hidden": "true" }), "Holds"),
        h("span", { class: "nt-grow" }), h("span", { class: "nt-muted" }, label)));
  }

  function renderCredit(summaries) {
    var box = ui.clear(document.getElementById("nt-credit"));
    if (!summaries.length) {
      box.appendChild(h("p", { class: "nt-empty" }, "No credit limit yet: this company cannot buy on terms until you set one."));
      return;
    }
    summaries.forEach(function (s) {
      var stat = function (label, value, extra) {
        return h("div", { class: "nt-stat" + (extra || "") }, h("dt", {}, label), h("dd", {}, ui.moneyEl(value)));
      };
      box.appendChild(h("div", { class: "nt-credit-block" },
        h("h3", {}, s.currency),
        h("dl", { class: "nt-stats" },
          stat("Limit", s.limit), stat("Holds", s.holds), stat("Receivables", s.receivables),
          stat("Credit balance", s.creditBalance),
          stat("Available", s.available, " is-key" + (ui.isNegative(s.available) ? " is-negative" : ""))),
        meter(s)));
    });
  }

  // --- members ----------------------------------------------------------------------------------
  function renderMembers() {
    var tbody = ui.clear(document.getElementById("nt-members"));
    if (!company.members.length) { ui.tableMessage(tbody, 6, "No members: nobody can buy on this account yet."); return; }
    company.members.forEach(function (member) {
      var actions = [];
      var domain = null;
      if (member.kind === "EMAIL_DOMAIN") {
        domain = member.domainVerified ? ui.pill("ACTIVE", "Verified") : ui.pill("ON_HOLD", "Not verified");
        if (!member.domainVerified) {
          actions.push(h("button", { type: "button", class: "nt-button is-secondary is-small",
            onclick: function () { verifyDomain(member); } }, "Verify domain"));
        }
      }
      actions.push(h("button", { type: "button", class: "nt-button is-secondary is-small",
        "aria-label": "Remove " + member.value, onclick: function (e) { removeMember(member, e.currentTarget); } }, "Remove"));
      tbody.appendChild(h("tr", {},
        h("td", {}, ui.humanize(member.kind)),
        h("td", {}, member.kind === "SALEOR_USER_ID" ? ui.saleorLink("customer", member.value, "Saleor customer account")
          : h("span", { class: "nt-break" }, member.value), domain ? [" ", domain] : null),
        h("td", {}, ui.humanize(member.role)),
        h("td", { class: "nt-num" }, member.spendingLimit ? ui.moneyEl(member.spendingLimit) : h("span", { class: "nt-muted" }, "—")),
        h("td", {}, ui.date(member.createdAt)),
        h("td", { class: "nt-actions" }, actions)));
    });
  }

  function loadCompany() {
    return NT.gql(COMPANY, { id: companyId }).then(function (data) {
      if (!data.company) {
        root.hidden = true;
        flash("This credit account does not exist (or belongs to another Saleor).", "error");
        return false;
      }
      company = data.company;
      root.hidden = false;
      renderHeader();
      renderMembers();
      fillCurrencySelect();
      if (!company.limits.length) { renderCredit([]); return true; }
      var decls = ["$id: ID!"], fields = [], variables = { id: companyId };
      company.limits.forEach(function (limit, i) {
        decls.push("$c" + i + ": String!");
        variables["c" + i] = limit.currency;
        fields.push("s" + i + ": creditSummary(currency: $c" + i + ") { " + SUMMARY_FIELDS + " }");
      });
      return NT.gql("query Credit(" + decls.join(", ") + ") { company(id: $id) { " + fields.join(" ") + " } }", variables)
        .then(function (credit) {
          renderCredit(company.limits.map(function (l, i) { return credit.company["s" + i]; }));
          return true;
        });
    });
  }

  function fillCurrencySelect() {
    var select = document.getElementById("ledger-currency");
    var keep = select.value;
    while (select.options.length > 1) { select.remove(1); }
    currencies().forEach(function (c) { select.appendChild(h("option", { value: c }, c)); });
    select.value = currencies().indexOf(keep) >= 0 ? keep : "";
  }

  // --- tabs ---------------------------------------------------------------------------------------
  function failRow(tbody, cols, error) { ui.tableMessage(tbody, cols, "Could not load: " + ui.errorText(error), "error"); }

  var panels = {
    ledger: {
      cols: 5, tbody: document.getElementById("ledger-rows"),
      load: function (offset) {
        var currency = document.getElementById("ledger-currency").value || null;
        return NT.gql(LEDGER, { id: companyId, currency: currency, first: PAGE_SIZE, offset: offset })
          .then(function (d) { return d.company.ledger; });
      },
      render: function (tbody, postings) {
        postings.forEach(function (p) {
          var refs = p.references.join(" · ");
          tbody.appendChild(h("tr", { class: "nt-group-row" },
            h("td", {}, ui.date(p.effectiveDate)),
            h("td", {}, h("strong", {}, ui.humanize(p.kind)), " ", h("span", { class: "nt-num" }, ui.money(p.amount)),
              p.memo ? h("details", { class: "nt-sub nt-memo" }, h("summary", {}, "Ledger memo"), p.memo) : null),
            h("td", {}, refs || "—"),
            h("td", {}), h("td", {})));
          p.legs.forEach(function (leg) {
            var debit = leg.side === "DEBIT";
            tbody.appendChild(h("tr", { class: "nt-leg-row" },
              h("td", {}),
              h("td", { class: "nt-leg" }, ui.humanize(leg.accountKind)),
              h("td", {}),
              h("td", { class: "nt-num" }, debit ? ui.moneyEl(leg.amount) : ""),
              h("td", { class: "nt-num" }, debit ? "" : ui.moneyEl(leg.amount))));
          });
        });
      },
      empty: "No postings yet.",
    },
    transactions: {
      cols: 6, tbody: document.getElementById("tx-rows"),
      load: function (offset) {
        var status = document.getElementById("tx-status").value || null;
        return NT.gql(TRANSACTIONS, { id: companyId, status: status, first: PAGE_SIZE, offset: offset })
          .then(function (d) { return d.company.transactions; });
      },
      render: function (tbody, rows) {
        rows.forEach(function (tx) {
          var details = [tx.poNumber && (/^po/i.test(tx.poNumber) ? tx.poNumber : "PO " + tx.poNumber),
                         tx.termsDays !== null && tx.termsDays !== undefined ? "Net " + tx.termsDays : null, tx.channelSlug].filter(Boolean).join(" · ");
          tbody.appendChild(h("tr", {},
            h("td", {}, ui.dateTime(tx.createdAt)),
            h("td", {}, tx.orderNumber ? ui.saleorLink("order", tx.orderId, "Order #" + tx.orderNumber) : h("span", { class: "nt-muted" }, "No order yet (checkout)"),
              details ? h("div", { class: "nt-sub" }, details) : null),
            h("td", {}, ui.pill(tx.status)),
            h("td", {},
              h("div", {}, ui.pill(tx.decisionOutcome)), ui.score(tx.decisionScore),
              tx.decisionReasons.length ? ui.reasons(tx.decisionReasons) : null),
            h("td", { class: "nt-num" }, ui.moneyEl(tx.amount)),
            h("td", { class: "nt-num" }, ui.isZero(tx.held) ? h("span", { class: "nt-muted" }, ui.money(tx.held)) : ui.moneyEl(tx.held))));
        });
      },
      empty: "No net-terms checkouts yet.",
    },
    receivables: {
      cols: 8, tbody: document.getElementById("rec-rows"),
      load: function (offset) {
        var status = document.getElementById("rec-status").value || null;
        return NT.gql(RECEIVABLES, { id: companyId, status: status, first: PAGE_SIZE, offset: offset })
          .then(function (d) { return d.company.receivables; });
      },
      render: function (tbody, rows) {
        rows.forEach(function (r) {
          var overdue = r.daysPastDue > 0;
          tbody.appendChild(h("tr", { class: overdue ? "is-overdue" : "" },
            h("td", {}, r.invoiceNumber || h("span", { class: "nt-muted" }, "Not invoiced yet")),
            h("td", {}, r.orderNumber ? ui.saleorLink("order", r.orderId, "#" + r.orderNumber) : "—"),
            h("td", {}, ui.date(r.issueDate)),
            h("td", {}, ui.date(r.dueDate), h("div", { class: "nt-sub" }, "Net " + r.termsDays)),
            h("td", { class: "nt-num" }, overdue ? h("span", { class: "nt-overdue" }, ui.number(r.daysPastDue), h("span", { class: "nt-visually-hidden" }, " days overdue")) : h("span", { class: "nt-muted" }, "—")),
            h("td", {}, ui.pill(overdue ? "DEAD" : r.status, overdue ? "Overdue" : ui.humanize(r.status))),
            h("td", { class: "nt-num" }, ui.moneyEl(r.amount)),
            h("td", { class: "nt-num" }, ui.moneyEl(r.openAmount))));
        });
      },
      empty: "No receivables.",
    },
    payments: {
      cols: 5, tbody: document.getElementById("pay-rows"),
      load: function (offset) {
        return NT.gql(PAYMENTS, { id: companyId, first: PAGE_SIZE, offset: offset })
          .then(function (d) { return d.company.payments; });
      },
      render: function (tbody, rows) {
        rows.forEach(function (p) {
          tbody.appendChild(h("tr", {},
            h("td", {}, ui.date(p.receivedOn), h("div", { class: "nt-sub" }, ui.humanize(p.source) + (p.recordedBy ? " · " + p.recordedBy : ""))),
            h("td", {}, h("span", { class: "nt-mono" }, p.reference), p.memo ? h("div", { class: "nt-sub" }, p.memo) : null),
            h("td", {}, p.allocations.length ? h("ul", { class: "nt-allocations" }, p.allocations.map(function (a) {
              return h("li", {}, h("span", {}, a.receivable.invoiceNumber || "Order #" + a.receivable.orderNumber),
                a.receivable.invoiceNumber && a.receivable.orderNumber ? h("span", { class: "nt-muted" }, " #" + a.receivable.orderNumber) : null,
                h("span", { class: "nt-grow" }), ui.moneyEl(a.amount));
            })) : h("span", { class: "nt-muted" }, "Nothing applied")),
            h("td", { class: "nt-num" }, ui.isZero(p.unallocatedAmount) ? h("span", { class: "nt-muted" }, ui.money(p.unallocatedAmount)) : ui.moneyEl(p.unallocatedAmount)),
            h("td", { class: "nt-num" }, ui.moneyEl(p.amount))));
        });
      },
      empty: "No payments recorded.",
    },
    decisions: {
      cols: 7, tbody: document.getElementById("dec-rows"), pagerId: "dec-pager",
      load: function (offset) {
        var days = parseInt(document.getElementById("dec-days").value, 10);
        return NT.gql(DECISIONS, { companyId: companyId, days: days, first: PAGE_SIZE, offset: offset })
          .then(function (d) { return d.decisionRecords; });
      },
      render: function (tbody, rows) {
        rows.forEach(function (d) {
          var policy = d.policyVersion !== null && d.policyVersion !== undefined ? "v" + d.policyVersion : ui.humanize(d.policySource);
          tbody.appendChild(h("tr", {},
            h("td", {}, ui.dateTime(d.createdAt)),
            h("td", {}, h("span", { class: "nt-mono nt-break" }, d.saleorTransactionId), d.channel ? h("div", { class: "nt-sub" }, d.channel) : null),
            h("td", {}, ui.pill(d.outcome), d.localOutcome && d.localOutcome !== d.outcome
              ? h("div", { class: "nt-sub" }, "Credit engine: " + ui.humanize(d.localOutcome).toLowerCase() + "; underwriter changed it") : null),
            h("td", { class: "nt-num" }, ui.number(d.score)),
            h("td", {}, d.reasons.length ? h("ul", { class: "nt-reasons" }, d.reasons.map(function (code) { return h("li", {}, h("code", {}, code)); })) : "—"),
            h("td", {}, ui.humanize(d.tier), h("div", { class: "nt-sub" }, policy)),
            h("td", { class: "nt-num" }, ui.moneyEl(d.amount))));
        });
      },
      empty: "No checkout decisions in this period.",
    },
  };

  // Tabs contributed by other scripts: company_invoicing.js (Invoicing).
  Object.keys(NT.companyPanels || {}).forEach(function (name) { panels[name] = NT.companyPanels[name]; });

  var current = null;
  Object.keys(panels).forEach(function (name) {
    var panel = panels[name];
    panel.pager = ui.pager(document.getElementById(panel.pagerId || { ledger: "ledger-pager", transactions: "tx-pager",
      receivables: "rec-pager", payments: "pay-pager" }[name]), PAGE_SIZE, function () { loadPanel(name); });
  });

  function loadPanel(name) {
    var panel = panels[name];
    var seq = panel.seq = (panel.seq || 0) + 1;
    panel.tbody.setAttribute("aria-busy", "true");
    if (!panel.tbody.rows.length) { ui.tableMessage(panel.tbody, panel.cols, "Loading…"); }
    return panel.load(panel.pager.offset).then(function (rows) {
      if (seq !== panel.seq) { return; }
      ui.clear(panel.tbody);
      if (!rows.length) { ui.tableMessage(panel.tbody, panel.cols, panel.empty); }
      panel.render(panel.tbody, rows);
      panel.pager.update(rows.length);
    }).catch(function (error) { if (seq === panel.seq) { failRow(panel.tbody, panel.cols, error); } })
      .then(function () { panel.tbody.removeAttribute("aria-busy"); });
  }

  function refilter(name) { return function () { panels[name].pager.reset(); loadPanel(name); }; }
  document.getElementById("ledger-currency").addEventListener("change", refilter("ledger"));
  document.getElementById("tx-status").addEventListener("change", refilter("transactions"));
  document.getElementById("rec-status").addEventListener("change", refilter("receivables"));
  document.getElementById("dec-days").addEventListener("change", refilter("decisions"));

  function reloadAll() {
    return loadCompany().then(function (found) {
      Object.keys(panels).forEach(function (name) { panels[name].loaded = false; });
      if (found && current) { panels[current].loaded = true; loadPanel(current); }
    });
  }

  // --- dialogs ------------------------------------------------------------------------------------
  function mutate(form, dialog, query, variables, key, fieldNames, done) {
    ui.busy(form, true);
    return NT.gql(query, variables).then(function (data) {
      var result = data[key];
      if (result.errors.length) { ui.showFieldErrors(form, result.errors, fieldNames); return; }
      ui.closeDialog(dialog);
      return done(result);
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  }

  var statusDialog = document.getElementById("nt-status-dialog");
  var statusForm = document.getElementById("nt-status-form");
  document.getElementById("nt-status-open").addEventListener("click", function (e) {
    statusForm.reset();
    statusForm.status.value = company.status;
    ui.openDialog(statusDialog, e.currentTarget);
  });
  statusForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var status = statusForm.status.value, reason = statusForm.reason.value.trim();
    if (status !== "ACTIVE" && !reason) {
      ui.showFieldErrors(statusForm, [{ code: "REASON_REQUIRED", field: "reason", message: "Say why (kept in the audit trail)." }]);
      return;
    }
    mutate(statusForm, statusDialog, STATUS_SET, { id: companyId, status: status, reason: reason || null }, "companyStatusSet", null,
      function () { flash("Status changed to " + ui.humanize(status) + ".", "success"); return reloadAll(); });
  });

  var limitDialog = document.getElementById("nt-limit-dialog");
  var limitForm = document.getElementById("nt-limit-form");
  document.getElementById("nt-limit-open").addEventListener("click", function (e) {
    limitForm.reset();
    limitForm.currency.value = currencies()[0] || "";
    ui.openDialog(limitDialog, e.currentTarget);
  });
  limitForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var variables = { companyId: companyId, amount: limitForm.amount.value.trim(), currency: limitForm.currency.value.trim().toUpperCase() };
    mutate(limitForm, limitDialog, LIMIT_SET, variables, "creditLimitSet", null, function (result) {
      flash("Credit limit set to " + ui.money(result.limit) + ".", "success");
      return reloadAll();
    });
  });

  var memberDialog = document.getElementById("nt-member-dialog");
  var memberForm = document.getElementById("nt-member-form");
  function syncDomainField() { document.getElementById("m-domainVerified-field").hidden = memberForm.kind.value !== "EMAIL_DOMAIN"; }
  memberForm.kind.addEventListener("change", syncDomainField);
  document.getElementById("nt-member-open").addEventListener("click", function (e) {
    memberForm.reset();
    memberForm.spendingLimitCurrency.value = currencies()[0] || "";
    syncDomainField();
    ui.openDialog(memberDialog, e.currentTarget);
  });
  memberForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var limit = memberForm.spendingLimit.value.trim();
    var variables = {
      companyId: companyId, kind: memberForm.kind.value, value: memberForm.value.value.trim(), role: memberForm.role.value,
      spendingLimit: limit ? { amount: limit, currency: memberForm.spendingLimitCurrency.value.trim().toUpperCase() } : null,
      domainVerified: memberForm.kind.value === "EMAIL_DOMAIN" ? memberForm.domainVerified.checked : null,
    };
    mutate(memberForm, memberDialog, MEMBER_ADD, variables, "memberAdd",
      { "spendingLimit.amount": "spendingLimit", "spendingLimit.currency": "spendingLimitCurrency" },
      function () { flash("Member added.", "success"); return loadCompany(); });
  });

  var confirmDialog = document.getElementById("nt-confirm-dialog");
  var confirmForm = document.getElementById("nt-confirm-form");
  var pendingRemoval = null;
  function removeMember(member, opener) {
    pendingRemoval = member;
    document.getElementById("nt-confirm-text").textContent =
      "“" + member.value + "” (" + ui.humanize(member.kind) + ") will no longer buy on this account. It stays in the audit trail and can be added again.";
    ui.openDialog(confirmDialog, opener);
  }
  confirmForm.addEventListener("submit", function (event) {
    event.preventDefault();
    mutate(confirmForm, confirmDialog, MEMBER_REMOVE, { id: pendingRemoval.id }, "memberRemove", null,
      function () { flash("Member removed.", "success"); return loadCompany(); });
  });

  function verifyDomain(member) {
    NT.gql(MEMBER_VERIFY, { id: member.id }).then(function (data) {
      var result = data.memberDomainVerify;
      if (result.errors.length) { flash(ui.errorText(result.errors[0]), "error"); return; }
      flash("Domain " + member.value + " verified: its e-mail addresses now buy on this account.", "success");
      return loadCompany();
    }).catch(function (error) { flash(ui.errorText(error), "error"); });
  }

  // --- record payment -------------------------------------------------------------------------
  var paymentDialog = document.getElementById("nt-payment-dialog");
  var paymentForm = document.getElementById("nt-payment-form");
  var allocationBox = document.getElementById("p-allocations");
  var allocationRows = document.getElementById("p-allocation-rows");
  var allocationTotal = document.getElementById("p-allocation-total");

  function chosenAllocations() {
    return Array.prototype.slice.call(allocationRows.querySelectorAll("input[data-receivable]"))
      .filter(function (input) { return input.value.trim() !== ""; })
      .map(function (input) { return { receivableId: input.dataset.receivable, amount: input.value.trim() }; });
  }

  function updateAllocationTotal() {
    var currency = paymentForm.currency.value.trim().toUpperCase() || "USD";
    var chosen = chosenAllocations().map(function (a) { return a.amount; });
    var bad = chosen.some(function (a) { return !/^\d+(\.\d+)?$/.test(a); });
    if (bad) { allocationTotal.textContent = "Amounts are decimals like 1250.00."; return; }
    var total = { amount: ui.decimalSum(chosen), currency: currency };
    var amount = paymentForm.amount.value.trim();
    var rest = /^\d+(\.\d+)?$/.test(amount) ? ui.decimalSum([amount, "-" + total.amount]) : null;
    allocationTotal.textContent = "Applied: " + ui.money(total) +
      (rest === null ? "" : ui.decimalCompare(rest, "0") >= 0
        ? " · to credit balance: " + ui.money({ amount: rest, currency: currency })
        : " · more than the payment by " + ui.money({ amount: rest.slice(1), currency: currency }));
  }

  // The company's open invoices in the payment's currency, oldest due first, each pre-filled with its
  // open amount; the amount is pre-filled with their sum (staff change either; the total says what is left).
  var openRows = [];
  function loadOpenReceivables(prefill) {
    ui.tableMessage(allocationRows, 4, "Loading open invoices…");
    var wanted = paymentForm.currency.value;
    NT.gql(RECEIVABLES, { id: companyId, status: "OPEN", first: 100, offset: 0 }).then(function (data) {
      openRows = data.company.receivables;
      var rows = openRows.filter(function (r) { return !wanted || r.openAmount.currency === wanted; });
      ui.clear(allocationRows);
      if (!rows.length) { ui.tableMessage(allocationRows, 4, "No open invoices in " + (wanted || "this currency") + ": the payment goes to the credit balance."); }
      if (prefill && rows.length && !paymentForm.amount.value.trim()) {
        paymentForm.amount.value = ui.decimalSum(rows.map(function (r) { return r.openAmount.amount; }));
      }
      rows.forEach(function (r) {
        var id = "p-alloc-" + r.id;
        allocationRows.appendChild(h("tr", { class: r.daysPastDue > 0 ? "is-overdue" : "" },
          h("td", {}, h("label", { for: id }, r.invoiceNumber || "Order #" + r.orderNumber), r.invoiceNumber && r.orderNumber ? h("div", { class: "nt-sub" }, "Order #" + r.orderNumber) : null),
          h("td", {}, ui.date(r.dueDate), r.daysPastDue > 0 ? h("div", { class: "nt-sub nt-overdue" }, ui.plural(r.daysPastDue, "day") + " overdue") : null),
          h("td", { class: "nt-num" }, ui.moneyEl(r.openAmount)),
          h("td", { class: "nt-num" }, h("input", { id: id, class: "nt-amount-input", inputmode: "decimal", placeholder: r.openAmount.amount,
            value: prefill ? r.openAmount.amount : null, "data-receivable": r.id, "aria-describedby": "p-allocation-total",
            oninput: updateAllocationTotal }))));
      });
      updateAllocationTotal();
    }).catch(function (error) { ui.tableMessage(allocationRows, 4, "Could not load: " + ui.errorText(error), "error"); });
  }

  paymentForm.addEventListener("change", function (event) {
    if (event.target.name === "mode") {
      allocationBox.hidden = paymentForm.mode.value !== "manual";
      if (!allocationBox.hidden) { loadOpenReceivables(false); }
    }
    if (event.target.name === "currency" && !allocationBox.hidden) { paymentForm.amount.value = ""; loadOpenReceivables(true); }
  });
  paymentForm.amount.addEventListener("input", function () { if (!allocationBox.hidden) { updateAllocationTotal(); } });

  function openPaymentDialog(opener) {
    paymentForm.reset();
    allocationBox.hidden = false;
    var select = ui.clear(paymentForm.currency);
    (currencies().length ? currencies() : ["USD"]).forEach(function (c) { select.appendChild(h("option", { value: c }, c)); });
    paymentForm.receivedOn.value = ui.today();
    ui.openDialog(paymentDialog, opener);
    loadOpenReceivables(true);
  }
  document.getElementById("nt-payment-open").addEventListener("click", function (e) { openPaymentDialog(e.currentTarget); });
  paymentForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var manual = paymentForm.mode.value === "manual";
    var variables = {
      companyId: companyId, amount: paymentForm.amount.value.trim(), currency: paymentForm.currency.value.trim().toUpperCase(),
      receivedOn: paymentForm.receivedOn.value, reference: paymentForm.reference.value.trim(),
      memo: paymentForm.memo.value.trim() || null, allocations: manual ? chosenAllocations() : null,
    };
    var missing = [["amount", "The amount is required."], ["currency", "The currency is required."],
      ["receivedOn", "The date is required."], ["reference", "The reference is required."]]
      .filter(function (pair) { return !variables[pair[0]]; })
      .map(function (pair) { return { code: "REQUIRED", field: pair[0], message: pair[1] }; });
    if (missing.length) { ui.showFieldErrors(paymentForm, missing); return; }
    mutate(paymentForm, paymentDialog, PAYMENT_RECORD, variables, "paymentRecord", null, function (result) {
      var p = result.payment;
      flash("Payment " + p.reference + " of " + ui.money(p.amount) + " recorded" +
        (ui.isZero(p.unallocatedAmount) ? "." : "; " + ui.money(p.unallocatedAmount) + " went to the credit balance."), "success");
      return reloadAll().then(function () { tabs.select("payments"); });
    });
  });

  // --- credit tier, company details, limit request ---------------------------------------------
  var tierDialog = document.getElementById("nt-tier-dialog");
  var tierForm = document.getElementById("nt-tier-form");
  document.getElementById("nt-tier-open").addEventListener("click", function (e) {
    tierForm.reset();
    tierForm.tier.value = (company.creditTier || "standard").toUpperCase();
    ui.openDialog(tierDialog, e.currentTarget);
  });
  tierForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var tier = tierForm.tier.value, reason = tierForm.reason.value.trim();
    if (!reason) { ui.showFieldErrors(tierForm, [{ code: "REASON_REQUIRED", field: "reason", message: "Say why (kept in the audit trail)." }]); return; }
    mutate(tierForm, tierDialog, TIER_SET, { companyId: companyId, tier: tier, reason: reason }, "companyTierSet", { companyId: null },
      function () { flash("Credit tier set to " + ui.humanize(tier) + ": its policy decides the next orders.", "success"); return loadCompany(); });
  });

  var EDITABLE = ["legalName", "taxId", "taxIdCountry", "erpCustomerNumber", "billingContactName", "billingContactEmail",
                  "billingContactPhone", "defaultTermsDays", "poNumberRequired", "allowedChannels"];
  var editDialog = document.getElementById("nt-edit-dialog");
  var editForm = document.getElementById("nt-edit-form");
  function editValue(name) {
    if (name === "poNumberRequired") { return editForm.poNumberRequired.checked; }
    if (name === "allowedChannels") { return editForm.allowedChannels.value.split(/[\s,;]+/).filter(Boolean); }
    if (name === "defaultTermsDays") { var days = editForm.defaultTermsDays.value.trim(); return /^\d+$/.test(days) ? parseInt(days, 10) : days; }
    var text = editForm[name].value.trim();
    return name === "taxIdCountry" ? text.toUpperCase() : text;
  }
  document.getElementById("nt-edit-open").addEventListener("click", function (e) {
    editForm.reset();
    EDITABLE.forEach(function (name) {
      if (name === "poNumberRequired") { editForm.poNumberRequired.checked = company.poNumberRequired; }
      else if (name === "allowedChannels") { editForm.allowedChannels.value = company.allowedChannels.join(", "); }
      else { editForm[name].value = company[name] === null || company[name] === undefined ? "" : String(company[name]); }
    });
    ui.openDialog(editDialog, e.currentTarget);
  });
  editForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var variables = { id: companyId }, changed = [];
    EDITABLE.forEach(function (name) {
      var value = editValue(name);
      if (JSON.stringify(value) !== JSON.stringify(company[name])) { variables[name] = value; changed.push(name); }
    });
    if (typeof variables.defaultTermsDays === "string") {
      ui.showFieldErrors(editForm, [{ code: "INVALID_TERMS", field: "defaultTermsDays", message: "Whole days, e.g. 30." }]);
      return;
    }
    if (!variables.legalName && changed.indexOf("legalName") >= 0) {
      ui.showFieldErrors(editForm, [{ code: "REQUIRED", field: "legalName", message: "The legal name is required." }]);
      return;
    }
    if (!changed.length) { ui.closeDialog(editDialog); flash("Nothing changed.", ""); return; }
    mutate(editForm, editDialog, COMPANY_UPDATE, variables, "companyUpdate", { id: null },
      function () { flash("Company updated.", "success"); return loadCompany(); });
  });

  var requestDialog = document.getElementById("nt-limit-request-dialog");
  var requestForm = document.getElementById("nt-limit-request-form");
  function currentLimitHint() {
    var currency = requestForm.currency.value.trim().toUpperCase();
    var limit = company.limits.filter(function (l) { return l.currency === currency; })[0];
    document.getElementById("lr-amount-hint").textContent = limit ? "Current limit: " + ui.money(limit) + "." : currency.length === 3 ? "No limit in " + currency + " yet." : "";
  }
  requestForm.currency.addEventListener("input", currentLimitHint);
  document.getElementById("nt-limit-request-open").addEventListener("click", function (e) {
    requestForm.reset();
    requestForm.currency.value = currencies()[0] || "";
    currentLimitHint();
    ui.openDialog(requestDialog, e.currentTarget);
  });
  requestForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var variables = { companyId: companyId, amount: requestForm.amount.value.trim(), currency: requestForm.currency.value.trim().toUpperCase(),
                      reason: requestForm.reason.value.trim() };
    var missing = [["currency", "The currency is required."], ["amount", "The proposed limit is required."], ["reason", "Say why the limit should change."]]
      .filter(function (pair) { return !variables[pair[0]]; })
      .map(function (pair) { return { code: "REQUIRED", field: pair[0], message: pair[1] }; });
    if (missing.length) { ui.showFieldErrors(requestForm, missing); return; }
    mutate(requestForm, requestDialog, LIMIT_REQUEST, variables, "limitRequestCreate", { companyId: null }, function (result) {
      var req = result.request;
      flash("Limit request for " + ui.money({ amount: variables.amount, currency: variables.currency }) + " sent for approval (" +
        req.routeName + ", " + ui.plural(req.steps.length, "step") + "). The limit changes when it is approved. ", "success");
      statusEl.appendChild(h("a", { class: "nt-link", href: NT.href("/app/approvals/" + req.id) }, "Open approval request #" + req.id));
    });
  });

  // --- start --------------------------------------------------------------------------------------
  var tabs = null;
  if (!companyId) { flash("No company id in the address.", "error"); return; }
  ui.start(statusEl, function () {
    flash("Loading…", "");
    loadCompany().then(function (found) {
      if (!found) { return; }
      if (statusEl.textContent === "Loading…") { flash("", ""); }
      // "Record payment" on the Payments page links here with #record-payment: the tab and its form
      var recordPayment = window.location.hash === "#record-payment";
      if (recordPayment) { window.history.replaceState(null, "", window.location.pathname + window.location.search + "#payments"); }
      tabs = ui.tabs(document.getElementById("nt-tabs"), function (name) {
        current = name;
        if (!panels[name].loaded) { panels[name].loaded = true; loadPanel(name); }
      });
      if (recordPayment) { openPaymentDialog(document.getElementById("nt-payment-open")); }
    }).catch(function (error) { flash("The credit account could not be loaded: " + ui.errorText(error), "error"); });
  });
})();
