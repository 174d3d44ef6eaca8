// Progressive enhancement for the booking forms; without it the forms still work.
const flag = document.getElementById("script-flag");
// Tells the server that the proof of work runs in this browser.
flag.value = "on";
// The widget's CSP-friendly build leaves the hashing worker to us: a same-origin script file.
globalThis.$altcha?.algorithms.set("SHA-256", () => new Worker(flag.dataset.shaWorker));
