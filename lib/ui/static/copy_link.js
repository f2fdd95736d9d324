(() => {
  // The simulator's copy-link button (lib/ui/simulator_compare.py): a click copies the
  // scenario's link, resolved against the page's own address, and the button says so for a
  // moment in the page's language (its data-done and data-failed texts). No angle bracket
  // may appear in this file: the HTML sanitizer drops a script whose text has one.
  const button = document.currentScript && document.currentScript.previousElementSibling;
  if (!button || !button.classList.contains("idmaj-copy-link") || button.dataset.ready) return;
  button.dataset.ready = "1";
  const label = button.textContent;
  const say = (text) => {
    button.textContent = text;
    window.setTimeout(() => { button.textContent = label; }, 2500);
  };
  // Without a secure context (plain http on a local network) there is no clipboard API: the
  // older way, a selected field and the copy command, still works from a click.
  const copyBySelection = (link) => {
    const field = document.createElement("textarea");
    field.value = link;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    let done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    field.remove();
    return done;
  };
  button.addEventListener("click", () => {
    const link = new URL(button.dataset.link, window.location.href).href;
    const copied = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(link).then(() => true, () => copyBySelection(link))
      : Promise.resolve(copyBySelection(link));
    copied.then((done) => say(done ? button.dataset.done : button.dataset.failed));
  });
})();
