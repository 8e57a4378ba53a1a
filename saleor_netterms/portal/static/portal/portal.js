// Progressive enhancement only: every form works without it.
// On the invoice list, the "pay selected" button says how many invoices are selected and is
// enabled from two on (the server checks the same).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.remit");
  if (!form) return;
  const button = form.querySelector("button[type=submit]");
  if (!button) return;
  const label = button.textContent;
  const update = () => {
    const n = form.querySelectorAll("input[name=invoice]:checked").length;
    button.disabled = n < 2;
    button.textContent = n ? `${label} (${n})` : label;
  };
  form.addEventListener("change", update);
  update();
});
