/* Credit review: the engine's queue with each company's position; approve, or decline with a reason. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var M = "amount currency";
  var statusEl = document.getElementById("nt-status");
  var tbody = document.getElementById("nt-queue");
  var dialog = document.getElementById("nt-decline-dialog");
  var form = document.getElementById("nt-decline-form");
  var declining = null;

  var QUEUE = "query ReviewQueue {\n  reviewQueue {\n" +
    "    transaction { id pspReference orderId orderNumber poNumber createdAt decisionScore amount { " + M + " } }\n" +
    "    company { id legalName status }\n" +
    "    limit { " + M + " } exposure { " + M + " } available { " + M + " }\n" +
    "    openReceivables { " + M + " } openReceivablesCount overdueReceivables { " + M + " }\n" +
    "    overdueReceivablesCount maxDaysPastDue reasons { code merchantMessage }\n  }\n}";
  var APPROVE = "mutation ReviewApprove($transactionId: ID!) {\n" +
    "  reviewApprove(transactionId: $transactionId) { transaction { id status } errors { code field message } }\n}";
  var DECLINE = "mutation ReviewDecline($transactionId: ID!, $reason: String!) {\n" +
    "  reviewDecline(transactionId: $transactionId, reason: $reason) { transaction { id status } errors { code field message } }\n}";

  function label(item) {
    var tx = item.transaction;
    return (tx.orderNumber ? "order #" + tx.orderNumber : tx.poNumber ? "order " + tx.poNumber : "the order") + " of " + item.company.legalName;
  }

  function render(items) {
    ui.clear(tbody);
    document.getElementById("nt-queue-count").textContent = items.length ? "(" + ui.number(items.length) + ")" : "";
    if (!items.length) { ui.tableMessage(tbody, 8, "Nothing waiting: every net-terms order has a decision."); return; }
    items.forEach(function (item) {
      var tx = item.transaction;
      var row = h("tr", { id: "review-" + tx.id });
      var overdue = ui.isZero(item.overdueReceivables)
        ? h("span", { class: "nt-muted" }, "None")
        : [ui.moneyEl(item.overdueReceivables, "div"),
           h("div", { class: "nt-sub nt-overdue" }, ui.plural(item.overdueReceivablesCount, "invoice") + ", up to " + ui.plural(item.maxDaysPastDue, "day"))];
      var approve = h("button", { type: "button", class: "nt-button is-small", "aria-label": "Approve " + label(item),
        onclick: function (e) { decide(item, e.currentTarget); } }, "Approve");
      var decline = h("button", { type: "button", class: "nt-button is-secondary is-small", "aria-label": "Decline " + label(item),
        onclick: function (e) { openDecline(item, e.currentTarget); } }, "Decline");
      row.appendChild(h("td", {},
        h("a", { class: "nt-link", href: NT.href("/app/companies/" + item.company.id + "#transactions") }, item.company.legalName),
        " ", ui.pill(item.company.status),
        h("div", { class: "nt-sub" }, [tx.orderNumber && "Order #" + tx.orderNumber, tx.poNumber && (/^po/i.test(tx.poNumber) ? tx.poNumber : "PO " + tx.poNumber)]
          .filter(Boolean).join(" · ")),
        h("div", { class: "nt-sub nt-waiting" }, ui.waitingSince(tx.createdAt)),
        tx.orderId ? h("div", { class: "nt-sub" }, ui.saleorLink("order", tx.orderId, "Open order in Saleor")) : null));
      row.appendChild(h("td", {}, ui.reasons(item.reasons), ui.score(tx.decisionScore)));
      row.appendChild(h("td", { class: "nt-num" }, ui.moneyEl(tx.amount)));
      row.appendChild(h("td", { class: "nt-num" }, ui.moneyEl(item.limit)));
      row.appendChild(h("td", { class: "nt-num" }, ui.moneyEl(item.exposure),
        h("div", { class: "nt-sub" }, ui.plural(item.openReceivablesCount, "open invoice"))));
      row.appendChild(h("td", { class: "nt-num" }, ui.moneyEl(item.available)));
      row.appendChild(h("td", { class: "nt-num" }, overdue));
      row.appendChild(h("td", { class: "nt-actions" }, approve, decline));
      tbody.appendChild(row);
    });
  }

  function load() {
    tbody.setAttribute("aria-busy", "true");
    return NT.gql(QUEUE).then(function (data) { render(data.reviewQueue); })
      .catch(function (error) { ui.tableMessage(tbody, 8, "The review queue could not be loaded: " + ui.errorText(error), "error"); })
      .then(function () { tbody.removeAttribute("aria-busy"); });
  }

  function decide(item, button) {
    ui.confirmAction({ title: "Approve net terms", confirm: "Approve",
      text: "Approve " + label(item) + " (" + ui.money(item.transaction.amount) + ")? Saleor is told the payment is " +
            "authorized and the order can be fulfilled; the amount stays on the company's credit." }, button)
      .then(function (confirmed) { if (confirmed) { approve(item, button); } });
  }

  function approve(item, button) {
    button.disabled = true;
    NT.gql(APPROVE, { transactionId: item.transaction.id }).then(function (data) {
      var result = data.reviewApprove;
      if (result.errors.length) { ui.banner(statusEl, ui.errorText(result.errors[0]), "error"); button.disabled = false; return; }
      ui.banner(statusEl, "Approved " + label(item) + ": Saleor is told the payment is authorized.", "success");
      return load();
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); button.disabled = false; });
  }

  function openDecline(item, opener) {
    declining = item;
    form.reset();
    document.getElementById("nt-decline-text").textContent =
      "Declining " + label(item) + " (" + ui.money(item.transaction.amount) + ") releases the hold and tells Saleor the authorization failed.";
    ui.openDialog(dialog, opener);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = form.reason.value.trim();
    if (!reason) { ui.showFieldErrors(form, [{ code: "REASON_REQUIRED", field: "reason", message: "Say why net terms are declined." }]); return; }
    ui.busy(form, true);
    NT.gql(DECLINE, { transactionId: declining.transaction.id, reason: reason }).then(function (data) {
      var result = data.reviewDecline;
      if (result.errors.length) { ui.showFieldErrors(form, result.errors, { transactionId: null }); return; }
      ui.closeDialog(dialog);
      ui.banner(statusEl, "Declined " + label(declining) + ": the hold is released.", "success");
      return load();
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  });

  document.getElementById("nt-refresh").addEventListener("click", function () { ui.banner(statusEl, "", ""); load(); });
  ui.start(statusEl, load);
})();
