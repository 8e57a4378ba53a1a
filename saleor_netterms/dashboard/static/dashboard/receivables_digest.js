/* Receivables page: who gets the weekly summary by e-mail, and a preview of this week's. */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui;
  var form = document.getElementById("r-digest-form");
  var statusEl = document.getElementById("r-digest-status");
  var bodyEl = document.getElementById("r-digest-body");

  var READ = "query ReceivablesDigest { receivablesDigest { recipients subject body } }";
  var SET = "mutation ReceivablesDigestRecipientsSet($e: [String!]!) {\n" +
    "  receivablesDigestRecipientsSet(emails: $e) { digest { recipients } errors { code field message } } }";

  function show(digest) { form.emails.value = digest.recipients.join("\n"); }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ui.clearFieldErrors(form);
    var emails = form.emails.value.split(/[\s,;]+/).filter(function (e) { return e; });
    ui.busy(form, true);
    NT.gql(SET, { e: emails }).then(function (data) {
      var r = data.receivablesDigestRecipientsSet;
      if (r.errors.length) { ui.showFieldErrors(form, r.errors); return; }
      show(r.digest);
      ui.banner(statusEl, r.digest.recipients.length ? "Saved: " + ui.plural(r.digest.recipients.length, "recipient") +
        " will get it every Monday." : "Saved: nobody gets the weekly summary.", "success");
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); })
      .then(function () { ui.busy(form, false); });
  });

  document.getElementById("r-digest-preview").addEventListener("click", function () {
    NT.gql(READ, {}).then(function (data) {
      bodyEl.textContent = data.receivablesDigest.subject + "\n\n" + data.receivablesDigest.body;
      bodyEl.hidden = false;
    }).catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  });

  NT.onToken(function () {
    NT.gql(READ, {}).then(function (data) { show(data.receivablesDigest); })
      .catch(function (error) { ui.banner(statusEl, ui.errorText(error), "error"); });
  });
})();
