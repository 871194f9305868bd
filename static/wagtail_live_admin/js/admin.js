// The Live admin views: Wagtail's own listing swaps (filters, search, pagination)
// replace results without telling htmx, so hand the new content to htmx to process.
document.addEventListener('w-swap:success', (event) => {
  if (window.htmx) {
    window.htmx.process(event.target);
  }
});
