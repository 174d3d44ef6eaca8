// Progressive enhancement for pages that change by themselves; without it, reloading works.
// A region with data-refresh-seconds is fetched again and swapped in place (no page reload,
// so focus stays and screen readers hear the change through aria-live).
// With data-live-url, a WebSocket says when the region changed (a live ticket: its own ticket
// or its queue moved), so it is fetched at once; polling then only backs the socket up.
const region = document.querySelector("[data-refresh-seconds]");
if (region) {
  const seconds = Number(region.dataset.refreshSeconds) || 20;
  const LIVE_POLL_SECONDS = 60;
  const MAX_BACKOFF_MS = 30000;
  const QUEUE_SPREAD_MS = 2000; // many phones hear the same news: don't all ask at once
  let live = null;
  let fetched = 0;

  async function refresh() {
    fetched = Date.now();
    try {
      const response = await fetch(location.href, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(region.id);
      if (fresh && fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
      // Other parts that follow the same state (a form to leave a number while waiting) are
      // swapped too, but not while she types in one, unless it no longer applies at all.
      for (const part of document.querySelectorAll("[data-live-part]")) {
        const next = page.getElementById(part.id);
        const html = next ? next.innerHTML : "";
        if (html === part.innerHTML) continue;
        if (html.trim() && part.contains(document.activeElement)) continue;
        part.innerHTML = html;
      }
    } catch {
      // Offline for a moment: the next round tries again.
    }
  }

  function connect(retry) {
    let socket;
    try {
      const url = new URL(region.dataset.liveUrl, location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      socket = new WebSocket(url);
    } catch {
      return;
    }
    socket.addEventListener("open", () => {
      live = socket;
      retry = 1000;
    });
    socket.addEventListener("message", (message) => {
      let news = {};
      try {
        news = JSON.parse(message.data);
      } catch {
        return;
      }
      setTimeout(refresh, news.changed === "ticket" ? 0 : Math.random() * QUEUE_SPREAD_MS);
    });
    socket.addEventListener("close", (event) => {
      if (live === socket) live = null;
      if (event.code === 4404) return; // no such ticket: polling shows what the server says
      setTimeout(() => connect(Math.min(retry * 2, MAX_BACKOFF_MS)), retry);
    });
  }

  setInterval(() => {
    const every = (live ? LIVE_POLL_SECONDS : seconds) * 1000;
    if (Date.now() - fetched >= every - 500) refresh();
  }, seconds * 1000);
  if (region.dataset.liveUrl && "WebSocket" in window) connect(1000);
}
// A kiosk goes back to its start page after showing a ticket for a while.
const back = document.querySelector("[data-return-after]");
if (back) {
  setTimeout(() => location.assign(back.dataset.returnUrl), Number(back.dataset.returnAfter) * 1000);
}
