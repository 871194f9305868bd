/*
 * wagtail-live-admin: the composer's list of posts, on a channel's page in the Live admin.
 *
 * No build step and no globals. Configuration comes from the data- attributes that
 * templates/wagtail_live_admin/composer/section.html writes on [data-live-composer]:
 *   data-live-poll-interval  seconds between asks for news while the socket is down
 *   data-label-changed, data-label-deleted  what a busy row says when its post changed
 * The same element is a [data-live-page] of live.js, which follows the channel.
 *
 * Every row the server sends (htmx partials) lands in #live-composer-inbox; this puts
 * it in its place in #live-composer-posts: it replaces the row of the same post, or
 * goes in by time (newest first), or, marked data-removed, takes the post's row out.
 * A row that follows the channel (data-live-follow) never replaces a row whose edit
 * form or delete question is open: that row says the post changed meanwhile instead.
 * No row replaces one that shows the same: a click on that row is not lost. Nor does
 * one replace a row whose button waits for its answer, until the answer has come.
 *
 * The list follows the channel as readers' pages do: each update live.js applies
 * ("live:update") fires "live:frame" on [data-live-composer-follow], which asks the
 * server for the rows the new updates touched. The post HTML of frames is never used.
 */
(() => {
  "use strict";

  function start(root) {
    const inbox = root.querySelector("#live-composer-inbox");
    const list = root.querySelector("#live-composer-posts");
    const follower = root.querySelector("[data-live-composer-follow]");
    if (!inbox || !list || !follower) return;

    function rowOf(postId) {
      for (const row of list.children) {
        if (row.dataset.postId === postId) return row;
      }
      return null;
    }

    function isBusy(row) {
      return Boolean(row.querySelector("form, [role=group] .no[hx-post]"));
    }

    function sayChanged(row, removed) {
      const note = row.querySelector("[data-live-composer-note]") || document.createElement("p");
      note.dataset.liveComposerNote = "";
      note.className = "help-block help-warning";
      note.setAttribute("role", "status");
      note.textContent = removed ? root.dataset.labelDeleted : root.dataset.labelChanged;
      row.appendChild(note);
    }

    // A row as the server made it: without htmx's passing classes, the follow mark and
    // the height preview.js gave its preview.
    function shown(row) {
      const copy = row.cloneNode(true);
      copy.removeAttribute("data-live-follow");
      copy.querySelectorAll("iframe").forEach((frame) => frame.removeAttribute("style"));
      for (const element of [copy, ...copy.querySelectorAll("[class*=htmx-]")]) {
        const passing = [...element.classList].filter((name) => name.startsWith("htmx-"));
        element.classList.remove(...passing);
      }
      return copy.outerHTML.replace(/\s+/g, " ").replace(/> </g, "><");
    }

    function place(row) {
      const existing = rowOf(row.dataset.postId);
      const removed = row.hasAttribute("data-removed");
      if (existing && shown(existing) === shown(row)) {
        // The row again as it is: the channel's frame of the editor's own change and her
        // answer each bring it, in either order. The one in place stays, and a click on
        // it at that moment is not lost.
        row.remove();
        return;
      }
      if (existing?.querySelector(".htmx-request")) {
        // A button of the row waits for its answer, and htmx puts that answer's
        // out-of-band parts (the status line, where the list stands) in the document
        // only while the button is in it: this row goes in once the answer has come,
        // still before the answer's own row.
        row.remove();
        existing.addEventListener("htmx:afterRequest", () => placed(row), { once: true });
        return;
      }
      if (existing && row.hasAttribute("data-live-follow") && isBusy(existing)) {
        row.remove();
        sayChanged(existing, removed);
        return;
      }
      if (removed) {
        row.remove();
        existing?.remove();
        return;
      }
      if (existing) {
        existing.replaceWith(row);
        return;
      }
      list.querySelector("[data-live-composer-empty]")?.remove();
      const created = Date.parse(row.dataset.created) || 0;
      for (const other of list.children) {
        if ((Date.parse(other.dataset.created) || 0) < created) {
          list.insertBefore(row, other);
          return;
        }
      }
      list.appendChild(row);
    }

    function placed(row) {
      place(row);
      if (row.isConnected && window.htmx) window.htmx.process(row);
    }

    function drain() {
      for (const row of [...inbox.children]) {
        if (row.matches("li[data-post-id]")) {
          placed(row);
        } else {
          row.remove();
        }
      }
    }

    new MutationObserver(drain).observe(inbox, { childList: true });

    function news() {
      if (window.htmx) window.htmx.trigger(follower, "live:frame");
    }

    // live.js follows the channel on this element, as on readers' pages: each update
    // it applies (catch-up included) is news. While its socket is not up (a page with
    // a password, say), ask now and then instead.
    root.addEventListener("live:update", news);
    const seconds = Number.parseFloat(root.dataset.livePollInterval) || 5;
    window.setInterval(() => {
      if (root.dataset.liveState !== "live") news();
    }, seconds * 1000);
  }

  function init() {
    document.querySelectorAll("[data-live-composer]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
