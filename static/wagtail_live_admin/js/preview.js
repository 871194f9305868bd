// Sandboxed post previews (wagtail_live_admin.admin.preview) report their document's
// height; each frame takes the height of its post. Only our frames are listened to:
// the message must come from one of them, and be a number.
window.addEventListener('message', (event) => {
  const height = event.data && event.data.livePreviewHeight;
  if (typeof height !== 'number' || !Number.isFinite(height)) return;
  for (const frame of document.querySelectorAll('iframe.live-preview-frame')) {
    if (frame.contentWindow === event.source) {
      // The border is outside the document: add it, and cap a runaway post.
      const borders = frame.offsetHeight - frame.clientHeight;
      frame.style.height = `${Math.min(Math.ceil(height) + borders, 4000)}px`;
      return;
    }
  }
});
