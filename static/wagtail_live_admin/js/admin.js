// The Live admin views: Wagtail's own listing swaps (filters, search, pagination)
// replace results without telling htmx, so hand the new content to htmx to process.
document.addEventListener('w-swap:success', (event) => {
  if (window.htmx) {
    window.htmx.process(event.target);
  }
});

// A re-publish refused by the server (409: a double click or nothing left to send;
// 429: the user's rate) answers with the row, its reason inside: swap it in like
// a success, so the admin says why where the user clicked.
document.addEventListener('htmx:beforeSwap', (event) => {
  const { status } = event.detail.xhr;
  if (status === 409 || status === 429) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
  // The row's answer may bring a new reason: the last one goes.
  const row = event.detail.target;
  if (row && row.id) {
    document.getElementById(`${row.id}-refusal`)?.remove();
  }
});
