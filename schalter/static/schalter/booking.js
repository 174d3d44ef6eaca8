// Progressive enhancement for the booking forms; without it the forms still work.
const flag = document.getElementById("script-flag");
// Tells the server that the proof of work runs in this browser.
flag.value = "on";
// The widget's CSP-friendly build leaves the hashing worker to us: a same-origin script file.
globalThis.$altcha?.algorithms.set("SHA-256", () => new Worker(flag.dataset.shaWorker));
// The widget speaks the page's language: its strings come translated from the page (the widget's
// own catalogues know neither Dari nor Leichte Sprache), registered under the page's language.
const robotCheck = document.querySelector("altcha-widget[data-strings]");
if (robotCheck && globalThis.$altcha) {
  let english = {};
  globalThis.$altcha.i18n.store.subscribe((all) => { english = all.en || {}; })();
  const language = robotCheck.getAttribute("language");
  globalThis.$altcha.i18n.set(language, { ...english, ...JSON.parse(robotCheck.dataset.strings) });
}
