// Idmaj static site: copy a chart's link, and write absolute addresses into the embed codes
// and citations once the page knows where it is served from. No framework, nothing fetched.
// Loading the page changes nothing in it but one class on <html> (the copy buttons appear, by
// CSS): each address is written when its citation or embed code is opened, printed or copied,
// so that a phone lays the page out once (Lighthouse counts a second layout as blocking time).
(function () {
  "use strict";
  var base = location.href.split("#")[0];
  var web = /^https?:$/.test(location.protocol);

  function copied(button) {
    var status = button.parentNode.querySelector(".copied");
    if (status) { status.textContent = button.getAttribute("data-done"); }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (ignored) { /* the link stays selectable */ }
    document.body.removeChild(area);
  }

  // The citations and embed codes inside ``root``, with this page's own address.
  function complete(root) {
    root.querySelectorAll("[data-cite-url]").forEach(function (span) {
      span.textContent = base + "#" + span.getAttribute("data-cite-url");
    });
    if (!web) { return; }
    root.querySelectorAll("textarea[data-embed]").forEach(function (area) {
      var relative = area.getAttribute("data-embed");
      area.value = area.value.replace('src="' + relative + '"',
                                      'src="' + new URL(relative, base).href + '"');
    });
  }

  function copyLink(button) {
    var url = base + "#" + button.getAttribute("data-anchor");
    complete(button.closest("figure") || document);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { copied(button); },
        function () { fallbackCopy(url); copied(button); }
      );
    } else {
      fallbackCopy(url);
      copied(button);
    }
  }

  // "toggle" does not bubble: listened to in the capture phase, for every <details> at once.
  document.addEventListener("toggle", function (event) {
    if (event.target.open) { complete(event.target); }
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-anchor]");
    if (button) { copyLink(button); }
  });
  document.documentElement.classList.add("js");
  // A printed page shows every table view.
  window.addEventListener("beforeprint", function () {
    complete(document);
    document.querySelectorAll("details.table-view").forEach(function (d) { d.open = true; });
  });
})();
