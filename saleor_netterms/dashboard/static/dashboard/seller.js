/* Seller profile: who issues the invoices (sellerProfileUpdate), one bank account per currency
 * (sellerBankAccountSet / Remove) and the logo (sellerLogoSet / Remove). The server validates
 * every field (VAT id, IBAN/BIC, routing numbers, the Peppol address); its errors appear under
 * the field they concern. The banner lists what the profile still lacks (sellerProfile.problems). */
(function () {
  "use strict";
  var NT = window.NetTerms, ui = NT.ui, h = ui.h;
  var statusEl = document.getElementById("nt-status");
  var problemsEl = document.getElementById("s-problems");
  var form = document.getElementById("s-profile-form");
  var accountForm = document.getElementById("s-account-form");
  var logoForm = document.getElementById("s-logo-form");
  var accountsBody = document.getElementById("s-accounts");
  var TEXT_FIELDS = ["legalName", "tradingName", "street", "street2", "postalCode", "city", "countryArea", "country",
    "vatId", "taxNumber", "taxNumberLabel", "registrationAuthority", "registrationNumber", "registrationScheme",
    "identifier", "identifierScheme", "contactName", "email", "phone", "peppolScheme", "peppolId",
    "exemptionReason", "exemptionCode", "footer"];
  var QUERY = "query SellerProfile {\n  sellerProfile {\n    complete problems { code message }\n    profile {\n" +
    "      legalName tradingName street street2 postalCode city countryArea country vatId taxNumber taxNumberLabel\n" +
    "      registrationAuthority registrationNumber registrationScheme identifier identifierScheme contactName\n" +
    "      email phone peppolScheme peppolId exemptionReason exemptionCode footer domesticZeroCategory\n" +
    "      suppliesServices logoContentType logoDataUrl updatedAt\n" +
    "      bankAccounts { currency accountHolder bankName iban bic accountNumber bankCode bankCodeLabel }\n" +
    "    }\n  }\n}";
  var UPDATE = "mutation SellerProfileUpdate($input: SellerProfileInput!) {\n  sellerProfileUpdate(input: $input) {\n" +
    "    profile { legalName updatedAt }\n    errors { code field message }\n  }\n}";
  var ACCOUNT_SET = "mutation SellerBankAccountSet($input: SellerBankAccountInput!) {\n  sellerBankAccountSet(input: $input) {\n" +
    "    account { currency accountHolder bankName iban bic accountNumber bankCode bankCodeLabel }\n" +
    "    errors { code field message }\n  }\n}";
  var ACCOUNT_REMOVE = "mutation SellerBankAccountRemove($currency: String!) {\n  sellerBankAccountRemove(currency: $currency) {\n" +
    "    removed\n    errors { code field message }\n  }\n}";
  var LOGO_SET = "mutation SellerLogoSet($contentBase64: String!, $contentType: String!) {\n" +
    "  sellerLogoSet(contentBase64: $contentBase64, contentType: $contentType) {\n    profile { logoContentType }\n" +
    "    errors { code field message }\n  }\n}";
  var LOGO_REMOVE = "mutation SellerLogoRemove {\n  sellerLogoRemove {\n    profile { logoContentType }\n" +
    "    errors { code field message }\n  }\n}";

  function renderProblems(status) {
    var list = status.problems || [];
    problemsEl.hidden = !list.length;
    ui.clear(problemsEl);
    if (list.length) {
      problemsEl.appendChild(h("strong", {}, "The seller profile is not complete yet."));
      problemsEl.appendChild(h("ul", {}, list.map(function (p) { return h("li", {}, p.message); })));
    }
  }

  function renderAccounts(accounts) {
    ui.clear(accountsBody);
    if (!accounts.length) { ui.tableMessage(accountsBody, 4, "No bank account yet: invoices cannot say where to pay."); return; }
    accounts.forEach(function (a) {
      var account = a.iban ? "IBAN " + a.iban + (a.bic ? " · BIC " + a.bic : "") :
        a.accountNumber + " · " + (a.bankCodeLabel || "Bank code") + " " + a.bankCode;
      accountsBody.appendChild(h("tr", {},
        h("td", { class: "nt-mono" }, a.currency),
        h("td", {}, h("span", { class: "nt-mono" }, account), a.accountHolder ? h("div", { class: "nt-sub" }, a.accountHolder) : null),
        h("td", {}, a.bankName || h("span", { class: "nt-muted" }, "—")),
        h("td", { class: "nt-actions" }, h("button", { type: "button", class: "nt-button is-secondary is-small",
          "aria-label": "Remove the " + a.currency + " account", onclick: function () { removeAccount(a.currency); } }, "Remove"))));
    });
  }

  function renderLogo(profile) {
    var preview = document.getElementById("s-logo-preview");
    ui.clear(preview);
    if (profile && profile.logoDataUrl) {
      preview.appendChild(h("img", { src: profile.logoDataUrl, alt: "Current logo", class: "nt-logo-img" }));
    } else {
      preview.appendChild(h("span", { class: "nt-muted" }, "No logo: the PDF shows the seller's initials."));
    }
  }

  function load() {
    return NT.gql(QUERY, {}).then(function (data) {
      var status = data.sellerProfile, profile = status.profile;
      renderProblems(status);
      if (profile) {
        TEXT_FIELDS.forEach(function (name) { form[name].value = profile[name] || ""; });
        form.domesticZeroCategory.value = profile.domesticZeroCategory;
        form.suppliesServices.checked = profile.suppliesServices;
        renderAccounts(profile.bankAccounts);
      } else {
        ui.tableMessage(accountsBody, 4, "Save the seller profile first.");
      }
      renderLogo(profile);
    }).catch(function (error) { ui.banner(statusEl, "The seller profile could not be loaded: " + ui.errorText(error), "error"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = { domesticZeroCategory: form.domesticZeroCategory.value, suppliesServices: form.suppliesServices.checked };
    TEXT_FIELDS.forEach(function (name) { input[name] = form[name].value.trim(); });
    ui.busy(form, true);
    document.getElementById("s-profile-saved").textContent = "";
    NT.gql(UPDATE, { input: input }).then(function (data) {
      var result = data.sellerProfileUpdate;
      if (result.errors.length) { ui.showFieldErrors(form, result.errors); return; }
      ui.clearFieldErrors(form);
      document.getElementById("s-profile-saved").textContent = "Saved. New invoices use these details.";
      return load();
    }).catch(function (error) { ui.formError(form, error); }).then(function () { ui.busy(form, false); });
  });

  accountForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = {};
    ["currency", "accountHolder", "iban", "bic", "accountNumber", "bankCode", "bankName"].forEach(function (name) {
      input[name] = accountForm[name].value.trim();
    });
    input.currency = input.currency.toUpperCase();
    ui.busy(accountForm, true);
    NT.gql(ACCOUNT_SET, { input: input }).then(function (data) {
      var result = data.sellerBankAccountSet;
      if (result.errors.length) { ui.showFieldErrors(accountForm, result.errors); return; }
      ui.clearFieldErrors(accountForm);
      accountForm.reset();
      document.getElementById("s-account-saved").textContent = "Saved the " + result.account.currency + " account.";
      return load();
    }).catch(function (error) { ui.formError(accountForm, error); }).then(function () { ui.busy(accountForm, false); });
  });

  function removeAccount(currency) {
    NT.gql(ACCOUNT_REMOVE, { currency: currency }).then(function (data) {
      var result = data.sellerBankAccountRemove;
      if (result.errors.length) { ui.showFieldErrors(accountForm, result.errors); return; }
      document.getElementById("s-account-saved").textContent = "Removed the " + currency + " account.";
      return load();
    }).catch(function (error) { ui.formError(accountForm, error); });
  }

  logoForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = logoForm.contentBase64.files[0];
    if (!file) { ui.showFieldErrors(logoForm, [{ code: "REQUIRED", field: "contentBase64", message: "Choose a PNG or SVG file." }]); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var base64 = String(reader.result).split(",")[1] || "";
      ui.busy(logoForm, true);
      NT.gql(LOGO_SET, { contentBase64: base64, contentType: file.type }).then(function (data) {
        var result = data.sellerLogoSet;
        if (result.errors.length) { ui.showFieldErrors(logoForm, result.errors, { logo: "contentBase64" }); return; }
        ui.clearFieldErrors(logoForm);
        document.getElementById("s-logo-saved").textContent = "Logo saved.";
        return load();
      }).catch(function (error) { ui.formError(logoForm, error); }).then(function () { ui.busy(logoForm, false); });
    };
    reader.readAsDataURL(file);
  });

  document.getElementById("s-logo-remove").addEventListener("click", function () {
    NT.gql(LOGO_REMOVE, {}).then(function (data) {
      var result = data.sellerLogoRemove;
      if (result.errors.length) { ui.showFieldErrors(logoForm, result.errors); return; }
      document.getElementById("s-logo-saved").textContent = "Logo removed.";
      return load();
    }).catch(function (error) { ui.formError(logoForm, error); });
  });

  ui.start(statusEl, load);
})();
