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
  // The colour's name in each of the display's languages, one line each (as display_lines.html).
  const names = element("span", "desk-badge__name");
  const speaks = (root.dataset.languages || "de").split(" ");
  const shown = new Set();
  for (const line of desk.names || [{ lang: "de", rtl: false, text: desk.name }]) {
    if (!speaks.includes(line.lang) || shown.has(line.text)) continue;
    shown.add(line.text);
    const label = element("span", "display-label", line.text);
    label.lang = line.lang;
    label.dir = line.rtl ? "rtl" : "ltr";
    names.append(label);
  }
  badge.append(number, " ", names);
  return badge;
}

// A ticket number reads left to right whatever the page's direction (the ltr filter's <bdi>).
function codeOf(code) {
  const span = element("span", "display-call__code");
  const isolated = element("bdi", "", code);
  isolated.dir = "ltr";
  span.append(isolated);
  return span;
}

function showCall(list, call, deskLabel) {
  for (const old of list.querySelectorAll("li")) {
    if (old.dataset.code === call.code) old.remove();
  }
  const item = element("li", "display-call display-call--new");
  item.dataset.code = call.code;
  item.append(
    codeOf(call.code),
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

// Spoken calls: the gong and the announcement of each new call (one WAV from the server),
// played one after another, never overlapping. Kiosk browsers are started with
// --autoplay-policy=no-user-gesture-required; where a browser still refuses to play, a
// "Sound on" button appears, and one press lets sound play from then on. Nothing waits forever
// on a display that runs for days: at most ANNOUNCE_QUEUE calls wait, a call not said within
// ANNOUNCE_MAX_AGE_MS is left out, and a sound that never ends is given up after ANNOUNCE_STALL_MS.
// The root's data-last-announced says which call was last heard (the browser tests read it).
const ANNOUNCE_QUEUE = 6;
const ANNOUNCE_MAX_AGE_MS = 60000;
const ANNOUNCE_STALL_MS = 30000;

function announcer(root, button) {
  const template = root.dataset.announceUrl;
  if (!template || typeof Audio === "undefined") return () => {};
  const audio = new Audio();
  audio.preload = "auto";
  const queue = [];
  let current = null;
  let blocked = false;
  let stall = 0;

  function next() {
    clearTimeout(stall);
    current = null;
    if (blocked) return;
    while (queue.length && Date.now() - queue[0].at > ANNOUNCE_MAX_AGE_MS) queue.shift();
    const item = queue.shift();
    if (!item) return;
    current = item;
    audio.src = template.replace(/0\.wav$/, `${item.id}.wav`);
    stall = setTimeout(next, ANNOUNCE_STALL_MS);
    audio.play().catch((error) => {
      if (current !== item) return;
      if (error && error.name === "NotAllowedError") {
        blocked = true;
        clearTimeout(stall);
        current = null;
        queue.unshift(item);
        if (button) button.hidden = false;
      } else {
        next();
      }
    });
  }

  audio.addEventListener("playing", () => {
    if (!current) return;
    root.dataset.lastAnnounced = String(current.id);
    root.dataset.lastAnnouncedSeconds = String(audio.duration);
  });
  audio.addEventListener("ended", next);
  audio.addEventListener("error", next); // a call the server no longer says: the next one
  if (button) {
    button.addEventListener("click", () => {
      button.hidden = true;
      blocked = false;
      next(); // inside the press: the browser allows sound from here on
    });
  }

  return (id) => {
    queue.push({ id, at: Date.now() });
    while (queue.length > ANNOUNCE_QUEUE) queue.shift();
    if (!current) next();
  };
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

// The notices ticker: each active notice in each of its languages (German first), one text at
// a time, changed in place every 8 seconds; no scrolling. The pause button stops it (WCAG 2.2.2);
// with reduced motion the text changes without fading in. `update` takes the notices from each
// poll, so edits reach a running display without a reload.
const TICKER_MS = 8000;

function startTicker(section, initial) {
  const text = document.getElementById("display-ticker-text");
  const pause = document.getElementById("display-ticker-pause");
  let items = [];
  let index = 0;
  let paused = false;

  function render(fresh) {
    const item = items[index];
    section.hidden = !item;
    if (!item) return;
    if (text.textContent === item.text && text.lang === item.lang) return;
    text.textContent = item.text;
    text.lang = item.lang;
    text.dir = item.dir;
    if (fresh) {
      text.classList.remove("display-ticker__text--fresh");
      void text.offsetWidth; // restart the fade
      text.classList.add("display-ticker__text--fresh");
    }
  }

  function update(notices) {
    const next = notices.flatMap((notice) =>
      notice.texts.map((line) => ({ id: notice.id, ...line })),
    );
    if (JSON.stringify(next) === JSON.stringify(items)) return;
    const current = items[index];
    items = next;
    // Stay on the text shown if it is still there; else start again from the first.
    const same = current
      ? items.findIndex((item) => item.id === current.id && item.lang === current.lang)
      : -1;
    index = same >= 0 ? same : 0;
    pause.hidden = items.length < 2;
    render(false);
  }

  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
  });
  setInterval(() => {
    if (paused || items.length < 2) return;
    index = (index + 1) % items.length;
    render(true);
  }, TICKER_MS);
  update(initial);
  return update;
}

function readNotices() {
  try {
    return JSON.parse(document.getElementById("display-notices").textContent) || [];
  } catch {
    return [];
  }
}

if (root) {
  const list = document.getElementById("display-calls");
  const groups = document.getElementById("display-groups");
  const deskLabel = root.dataset.deskLabel || "";
  // Calls up to the page's own newest one are old news; the server also repeats calls of the
  // last half minute (a call may commit after a later one), so repeats are dropped by id.
  const floor = Number(root.dataset.after) || 0;
  let after = floor;
  let delay = POLL_MS;
  let live = null; // the open WebSocket, if any
  const shown = new Set(); // event ids shown since the page loaded
  const announce = announcer(root, document.getElementById("display-sound"));
  const ticker = document.getElementById("display-ticker");
  const updateNotices = ticker ? startTicker(ticker, readNotices()) : null;

  function show(call) {
    if (call.id <= floor || shown.has(call.id)) return;
    shown.add(call.id);
    if (shown.size > 500) shown.delete(Math.min(...shown)); // runs for days: stay bounded
    showCall(list, call, deskLabel);
    announce(call.id);
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
      if (updateNotices && Array.isArray(data.notices)) updateNotices(data.notices);
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
