/*
 * wagtail-live-admin: keeps a live page's posts in step with the server.
 *
 * No build step and no globals. Configuration comes from the data- attributes
 * that templates/wagtail_live_admin/live_posts.html writes:
 *   [data-live-page]        data-live-ws-path: the websocket path of the channel, or a
 *                           whole ws:// or wss:// URL (a socket on another host)
 *                           data-live-updates-url: the catch-up endpoint ("" for none)
 *                           data-live-seq: the seq the rendered posts stand at
 *                           data-live-catch-up-on-socket: the socket is the package's
 *                           consumer, which can catch it up as it opens
 *   #live-posts             the posts: pinned ones (data-pinned) first, newest first
 *                           by data-created. Without it the script only follows the
 *                           channel and dispatches its events (the Live admin's
 *                           composer does so, and never shows a frame's HTML).
 *   [data-live-status]      connecting | live | reconnecting (labels in data-label-*)
 * Each applied frame is dispatched as a "live:update" event on [data-live-page].
 *
 * Frames are numbered per channel (seq). Each socket asks to catch up as it opens
 * (subprotocol CATCH_UP_PROTOCOL, ?since=<last seq applied>): its first message is then
 * the catch-up endpoint's answer, the missed frames or a snapshot. When a frame shows
 * that some were missed, or the server does not choose the subprotocol (or the page
 * says its sockets cannot), the script asks the endpoint itself.
 */
(() => {
  "use strict";

  const RETRY_BASE_MS = 500;
  const RETRY_MAX_MS = 10000;
  // Refused by the server (page gone, not allowed, too many sockets): retry, but slowly.
  const REFUSED_CODES = new Set([4403, 4404, 4429]);
  // The server stopped or restarts (4001 going away, 4503 layer lost, 1001/1012 from the
  // server, 1006 a dropped connection): every reader of that process reconnects at once,
  // so each waits a random part of this spread (data-live-reconnect-spread, ms).
  const RESTART_CODES = new Set([1001, 1006, 1012, 4001, 4503]);
  const RESTART_SPREAD_MS = 3000;
  // 4001 comes from a process that lets its readers go a batch at a time, as fast as the
  // other processes can admit them: back at once, with a little jitter.
  const GOING_AWAY = 4001;
  const GOING_AWAY_JITTER_MS = 250;
  const CATCH_UP_RETRIES = 5;
  const CATCH_UP_PROTOCOL = "wagtail-live-admin.catch-up";

  function start(root) {
    const container = root.querySelector("#live-posts");
    const statusEl = root.querySelector("[data-live-status]");
    const path = root.dataset.liveWsPath;
    const updatesUrl = root.dataset.liveUpdatesUrl;
    const spread = Number.parseInt(root.dataset.liveReconnectSpread, 10);
    const restartSpreadMs = Number.isNaN(spread) ? RESTART_SPREAD_MS : spread;
    const onSocket = Boolean(updatesUrl) && root.hasAttribute("data-live-catch-up-on-socket");
    if (!path) return;

    let failures = 0;
    let lastSeq = Number.parseInt(root.dataset.liveSeq, 10) || 0;
    let catchingUp = false;
    let catchUpAgain = false;
    let followUpTimer = 0;
    let catchUpRetries = 0;

    function setStatus(state) {
      root.dataset.liveState = state;
      if (!statusEl) return;
      statusEl.dataset.liveStatus = state;
      const label = statusEl.getAttribute(`data-label-${state}`);
      if (label) statusEl.textContent = label;
    }

    // Where a post stands: pinned posts first, then newest first.
    function rankOf(wrapper) {
      const post = wrapper.querySelector(".live-post");
      const created = (post && Date.parse(post.dataset.created)) || 0;
      return [post && post.hasAttribute("data-pinned") ? 1 : 0, created];
    }

    function isAbove(a, b) {
      return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1];
    }

    function wrapperOf(postId) {
      for (const post of container.querySelectorAll(".live-post[data-post-id]")) {
        if (post.dataset.postId === postId) return post.closest(".live-post-wrapper");
      }
      return null;
    }

    function place(wrapper) {
      const rank = rankOf(wrapper);
      for (const other of container.children) {
        if (other !== wrapper && isAbove(rank, rankOf(other))) {
          container.insertBefore(wrapper, other);
          return;
        }
      }
      container.appendChild(wrapper);
    }

    function applyRender(postId, render) {
      wrapperOf(postId)?.remove();
      // Frames from wagtail-live's publishers may still carry hidden posts.
      if (render.show === false) return;
      const wrapper = document.createElement("div");
      wrapper.className = "live-post-wrapper";
      wrapper.innerHTML = render.content;
      place(wrapper);
    }

    function applyFrame(frame) {
      if (container) {
        for (const [postId, render] of Object.entries(frame.renders || {})) {
          applyRender(postId, render);
        }
        for (const postId of frame.removals || []) wrapperOf(String(postId))?.remove();
      }
      if (typeof frame.seq === "number") lastSeq = Math.max(lastSeq, frame.seq);
      root.dispatchEvent(new CustomEvent("live:update", { detail: frame }));
    }

    function applySnapshot(snapshot) {
      const keep = new Set(Object.keys(snapshot.renders || {}));
      for (const post of container?.querySelectorAll(".live-post[data-post-id]") || []) {
        if (!keep.has(post.dataset.postId)) post.closest(".live-post-wrapper")?.remove();
      }
      applyFrame({ ...snapshot, removals: [] });
      lastSeq = snapshot.seq;
    }

    // A public page's answer may come from a cache (the browser's, a CDN), up to its
    // max-age old: ask once more when that has passed, so nothing published meanwhile
    // is missed.
    function followUp(response) {
      const cacheControl = response.headers.get("Cache-Control") || "";
      const maxAge = /(?:^|[\s,])max-age=(\d+)/.exec(cacheControl);
      if (!/(?:^|[\s,])public(?:$|[\s,])/.test(cacheControl) || !maxAge) return;
      window.clearTimeout(followUpTimer);
      const delay = (Number(maxAge[1]) + Math.random()) * 1000;
      followUpTimer = window.setTimeout(() => catchUp({ again: true }), delay);
    }

    // A catch-up that failed would otherwise wait for the next reconnect or gap, which may
    // not come for a long time on a quiet channel: ask again a few times, 1 to 3 s apart.
    function retryCatchUp() {
      if (catchUpRetries >= CATCH_UP_RETRIES) return;
      catchUpRetries += 1;
      window.clearTimeout(followUpTimer);
      const delay = (1 + Math.random() * 2) * 1000;
      followUpTimer = window.setTimeout(() => catchUp({ again: true }), delay);
    }

    function applyAnswer(data) {
      if (data.snapshot) {
        applySnapshot(data.snapshot);
        return;
      }
      for (const frame of data.frames || []) {
        if (frame.seq > lastSeq) applyFrame(frame);
      }
    }

    // The socket's first message, when the server chose CATCH_UP_PROTOCOL: read after the
    // socket joined the channel, so unlike the endpoint's it needs no asking again.
    function caughtUpOnSocket(message) {
      if (message.status === 200) applyAnswer(message.answer);
      else if (message.status >= 500) catchUp(); // the endpoint, then
    }

    async function catchUp({ again = false } = {}) {
      if (!updatesUrl) return;
      if (catchingUp) {
        catchUpAgain = true;
        return;
      }
      catchingUp = true;
      try {
        const url = `${updatesUrl}?since=${encodeURIComponent(lastSeq)}`;
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) {
          // A server error (one restarting, or overloaded): ask again soon. A refusal
          // (403, 404) waits for the socket's own verdict.
          if (response.status >= 500) retryCatchUp();
          return;
        }
        applyAnswer(await response.json());
        catchUpRetries = 0;
        if (!again) followUp(response);
      } catch {
        retryCatchUp(); // the server went away mid-request
      } finally {
        catchingUp = false;
        if (catchUpAgain) {
          catchUpAgain = false;
          catchUp();
        }
      }
    }

    function receive(frame) {
      if (typeof frame.seq !== "number") {
        applyFrame(frame); // a publisher without seq: apply as wagtail-live did
      } else if (frame.seq === lastSeq + 1 && !catchingUp) {
        applyFrame(frame);
      } else if (frame.seq > lastSeq) {
        catchUp(); // a gap: the endpoint has this frame and the missed ones, in order
      }
    }

    function retryDelay(code) {
      if (REFUSED_CODES.has(code)) return RETRY_MAX_MS;
      if (failures === 1 && code === GOING_AWAY) return Math.random() * GOING_AWAY_JITTER_MS;
      // A first close from a server going away: back soon, spread over the crowd.
      if (failures === 1 && RESTART_CODES.has(code)) return Math.random() * restartSpreadMs;
      const capped = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (failures - 1));
      // Jitter spreads the reconnects of many readers after a server restart.
      return capped / 2 + Math.random() * (capped / 2);
    }

    function connect() {
      setStatus(failures ? "reconnecting" : "connecting");
      // The page's own scheme decides: https pages need wss (wagtail-live#143).
      // A whole ws(s):// URL is a socket on another host (WAGTAIL_LIVE_WEBSOCKET_URL).
      const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      const here = `${scheme}//${window.location.host}${path}`;
      const url = new URL(/^wss?:\/\//.test(path) ? path : here);
      if (onSocket) url.searchParams.set("since", lastSeq);
      const socket = new WebSocket(url, onSocket ? [CATCH_UP_PROTOCOL] : []);
      socket.addEventListener("open", () => {
        failures = 0;
        setStatus("live");
        // Whatever was published while this page loaded or was disconnected: the socket
        // sends it first, or else the endpoint is asked.
        if (socket.protocol !== CATCH_UP_PROTOCOL) catchUp();
      });
      socket.addEventListener("message", (event) => {
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          return;
        }
        if (frame && frame.type === "catch_up") caughtUpOnSocket(frame);
        else if (frame && frame.renders !== undefined) receive(frame);
      });
      socket.addEventListener("close", (event) => {
        failures += 1;
        setStatus("reconnecting");
        window.setTimeout(connect, retryDelay(event.code));
      });
    }

    connect();
  }

  function init() {
    document.querySelectorAll("[data-live-page]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
