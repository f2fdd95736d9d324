(() => {
  // The language, direction and description of the page shown: the lang attribute of the html
  // element, a description meta element, and dir on the app's own areas (not on the html element: Streamlit's collapsed sidebar is drawn
  // over the page when the whole document is right to left). The values come from the element
  // just before this script (lib/ui/shell.py). No angle bracket may appear in this file: the
  // HTML sanitizer drops a script whose text has one.
  const setup = document.currentScript && document.currentScript.previousElementSibling;
  if (!setup || !setup.classList.contains("idmaj-document")) return;
  document.documentElement.lang = setup.dataset.lang;
  for (const id of ["stMain", "stSidebarContent"]) {
    const area = document.querySelector(`[data-testid="${id}"]`);
    if (area) area.dir = setup.dataset.dir;
  }
  // What a search engine shows under the page's title: Streamlit's page has no description.
  let meta = document.querySelector('meta[name="description"]');
  if (!meta) {
    meta = document.createElement("meta");
    meta.name = "description";
    document.head.appendChild(meta);
  }
  meta.content = setup.dataset.description || "";
})();
