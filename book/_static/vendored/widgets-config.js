/* cvbook: settings for the vendored ipywidgets manager (html-manager/dist/embed-amd.js).
   Loaded just before it, on pages with saved widget state (nb_ipywidgets_js in _config.yml). */
(function () {
  // The bundle loads its icon fonts from the folder of its AMD module, which require.js would put
  // at "@jupyter-widgets/html-manager/dist/" relative to the page. Map that module path to the
  // vendored folder (a global `require` object defined before require.js loads is its config).
  var here = document.currentScript && document.currentScript.src;
  if (here) {
    var dist = new URL("html-manager/dist/", here).href;
    // The bundle's other modules (@jupyter-widgets/controls, /base, ...) are defined inside it but
    // load their icon fonts from the folder of their own module URL: map the whole scope there too
    // (require.js takes the longest matching prefix, so the html-manager entry above still wins).
    var paths = {
      "@jupyter-widgets/html-manager/dist": dist.replace(/\/$/, ""),
      "@jupyter-widgets": dist.replace(/\/$/, ""),
    };
    window.__jupyter_widgets_assets_path__ = dist;
    if (typeof window.require === "function" && window.require.config) {
      window.require.config({ paths: paths });
    } else {
      window.require = Object.assign({}, window.require, { paths: Object.assign({}, (window.require || {}).paths, paths) });
    }
  }
  // ipywidgets' controls typeset descriptions with MathJax 2's API, MathJax.Hub.Queue(["Typeset",
  // MathJax.Hub, element]); the site serves MathJax 3. Give MathJax 3 that one entry point, once it
  // has replaced its configuration object (before the widget manager renders, on "load").
  function typeset(element) {
    var mj = window.MathJax;
    var run = function () {
      return mj.typesetPromise ? mj.typesetPromise(element ? [element] : undefined) : null;
    };
    var ready = mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
    ready.then(run).catch(function (err) { console.warn("cvbook: MathJax could not typeset a widget", err); });
  }
  window.addEventListener("load", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub) {
      mj.Hub = { Queue: function (job) { typeset(Array.isArray(job) ? job[2] : undefined); } };
    }
  });
})();
