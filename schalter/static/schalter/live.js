// Progressive enhancement for pages that change by themselves; without it, reloading works.
// A region with data-refresh-seconds is fetched again and swapped in place (no page reload,
// so focus stays and screen readers hear the change through aria-live).
const region = document.querySelector("[data-refresh-seconds]");
if (region) {
  const seconds = Number(region.dataset.refreshSeconds) || 20;
  setInterval(async () => {
    try {
      const response = await fetch(location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(region.id);
      if (fresh && fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
    } catch {
      // Offline for a moment: the next round tries again.
    }
  }, seconds * 1000);
}
// A kiosk goes back to its start page after showing a ticket for a while.
const back = document.querySelector("[data-return-after]");
if (back) {
  setTimeout(() => location.assign(back.dataset.returnUrl), Number(back.dataset.returnAfter) * 1000);
}
