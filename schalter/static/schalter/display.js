// The call display: asks for calls newer than the last one it shows, every 2 seconds, and
// keeps asking after network or server errors (waiting longer each time, at most 10 seconds).
// The page carries the id of the newest call it was rendered with, so after a reload or a
// reconnect only calls made since then are shown as new.
// Where the server offers it, a WebSocket brings each call the moment it is made; while it is
// open, polling only refreshes the waiting figures (and catches anything the socket missed).
// A call arriving both ways is shown once (by its event id); a closed socket is reopened with
// the same backoff.
const root = document.querySelector("[data-calls-url]");
const POLL_MS = 2000;
const MAX_BACKOFF_MS = 10000;
const NEW_FOR_MS = 15000;
const MAX_CALLS = 8;
const LIVE_POLL_MS = 15000;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

// The same markup as templates/desk_badge.html.
function deskBadge(desk) {
  const badge = element("span", "desk-badge desk-badge--large");
  const number = element("span", `desk-badge__number desk-colour--${desk.colour}`);
  const symbol = element("span", "desk-badge__symbol", desk.symbol);
  symbol.setAttribute("aria-hidden", "true");
  number.append(symbol, ` ${desk.number}`);
  badge.append(number, " ", element("span", "desk-badge__name", desk.name));
  return badge;
}

function showCall(list, call, deskLabel) {
  for (const old of list.querySelectorAll("li")) {
    if (old.dataset.code === call.code) old.remove();
  }
  const item = element("li", "display-call display-call--new");
  item.dataset.code = call.code;
  item.append(
    element("span", "display-call__code", call.code),
    " ",
    element("span", "display-call__desk", deskLabel),
    " ",
    deskBadge(call.desk),
  );
  list.prepend(item);
  setTimeout(() => item.classList.remove("display-call--new"), NEW_FOR_MS);
  while (list.children.length > MAX_CALLS) list.lastElementChild.remove();
}

function showGroups(body, groups) {
  const rows = groups.map((group) => {
    const row = element("tr");
    const name = element("th", "", group.name);
    name.scope = "row";
    row.append(name, element("td", "", group.waiting), element("td", "", group.wait));
    return row;
  });
  body.replaceChildren(...rows);
}

function startClock(clock, timeZone) {
  let format;
  try {
    format = new Intl.DateTimeFormat("de-DE", { hour: "2-digit", minute: "2-digit", timeZone });
  } catch {
    format = new Intl.DateTimeFormat("de-DE", { hour: "2-digit", minute: "2-digit" });
  }
  const tick = () => {
    const text = format.format(new Date());
    if (clock.textContent !== text) {
      clock.textContent = text;
      clock.setAttribute("datetime", text);
    }
  };
  tick();
  setInterval(tick, 1000);
}

if (root) {
  const list = document.getElementById("display-calls");
  const groups = document.getElementById("display-groups");
  const deskLabel = root.dataset.deskLabel || "";
  let after = Number(root.dataset.after) || 0;
  let delay = POLL_MS;
  let live = null; // the open WebSocket, if any
  const shown = new Set(); // event ids shown since the page loaded

  function show(call) {
    if (call.id <= after || shown.has(call.id)) return;
    shown.add(call.id);
    showCall(list, call, deskLabel);
  }

  function connect(retry) {
    let socket;
    try {
      const url = new URL(root.dataset.liveUrl, window.location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      socket = new WebSocket(url);
    } catch {
      return;
    }
    socket.addEventListener("open", () => {
      live = socket;
      retry = POLL_MS;
    });
    socket.addEventListener("message", (message) => {
      try {
        show(JSON.parse(message.data));
      } catch {
        // A malformed frame is skipped; polling brings the call.
      }
    });
    socket.addEventListener("close", (event) => {
      if (live === socket) live = null;
      if (event.code === 4404) return; // the screen is gone: polling says so
      setTimeout(() => connect(Math.min(retry * 2, MAX_BACKOFF_MS)), retry);
    });
  }

  let polled = 0;

  async function poll() {
    if (live && Date.now() - polled < LIVE_POLL_MS) {
      setTimeout(poll, POLL_MS);
      return;
    }
    polled = Date.now();
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), 8000);
    try {
      const url = `${root.dataset.callsUrl}?after=${after}`;
      const response = await fetch(url, { cache: "no-store", signal: controller.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      // Newest first from the server; shown oldest first so the newest ends up on top.
      for (const call of [...data.calls].reverse()) {
        show(call);
      }
      after = Math.max(after, Number(data.last) || 0);
      showGroups(groups, data.groups);
      root.dataset.after = String(after);
      delay = POLL_MS;
    } catch {
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
    } finally {
      clearTimeout(timeout);
      setTimeout(poll, delay);
    }
  }

  startClock(document.getElementById("display-clock"), root.dataset.timeZone);
  setTimeout(poll, POLL_MS);
  if (root.dataset.liveUrl && "WebSocket" in window) connect(POLL_MS);
}
