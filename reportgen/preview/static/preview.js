// reportgen preview: the pages of the PDF as the server draws them, updated in place.
// One element per page is kept across updates, so the scroll position and the zoom stay;
// a page whose version changed gets its new picture (when it is on screen or next to it)
// and is marked for a moment. The server is told which pages are on screen: it draws
// those first.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const pagesEl = $("pages");
  const outlineEl = $("outline");
  const PX_PER_PT = 96 / 72;
  let state = null;
  let lang = decodeURIComponent(location.hash.slice(1)) || null;
  let zoom = Number(localStorage.getItem("reportgen-zoom")) || 1;
  let socket = null;
  let folded = false;
  const visible = new Set();
  const scrolls = {};
  // When each page's new picture was shown (ms since the epoch): the benchmark reads it.
  const shown = [];
  window.reportgenPreview = { shown };

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const n = Number(entry.target.dataset.page);
      if (entry.isIntersecting) { visible.add(n); load(entry.target); } else { visible.delete(n); }
    }
    tellVisible();
  }, { root: pagesEl, rootMargin: "100% 0px" });

  let visibleTimer = null;
  function tellVisible() {
    clearTimeout(visibleTimer);
    visibleTimer = setTimeout(() => {
      if (socket && socket.readyState === WebSocket.OPEN && lang) {
        socket.send(JSON.stringify({ visible: { [lang]: [...visible].sort((a, b) => a - b) } }));
      }
    }, 100);
  }

  function edition() {
    return state && state.editions.find((e) => e.lang === lang);
  }

  function pageUrl(n, v) { return `/page/${encodeURIComponent(lang)}/${n}.png?v=${v}`; }

  function load(div) {
    const v = div.dataset.v;
    if (div.dataset.shown === v || div.dataset.loading === v) return;
    div.dataset.loading = v;
    // The new picture is fetched and decoded off screen, then put in the old one's place:
    // the page never shows a half-drawn picture, and it is decoded once.
    const next = new Image();
    next.alt = `page ${div.dataset.page}`;
    next.src = pageUrl(div.dataset.page, v);
    next.decode().then(() => {
      if (div.dataset.v !== v) return; // a newer version came meanwhile
      div.querySelector("img").replaceWith(next);
      delete div.dataset.tries;
      shown.push([Date.now(), Number(div.dataset.page), Number(v)]);
      div.dataset.shown = v;
      div.classList.remove("stale");
      // The page's text, for screen readers and for finding it (the picture has none).
      fetch(`/text/${encodeURIComponent(lang)}/${div.dataset.page}.txt?v=${v}`)
        .then((r) => (r.ok ? r.text() : ""))
        .then((text) => { if (div.dataset.v === v) div.querySelector(".text").textContent = text; })
        .catch(() => {});
    }).catch(() => {
      // Not fetched or not decoded (a newer version meanwhile, or the browser gave up):
      // asked again in a moment if it is still the one to show and on screen.
      if (div.dataset.loading !== v) return;
      delete div.dataset.loading;
      const tries = Number(div.dataset.tries || 0) + 1;
      div.dataset.tries = String(tries);
      if (tries > 5) return; // the next update, or scrolling back to it, asks again
      setTimeout(() => {
        if (div.dataset.v === v && visible.has(Number(div.dataset.page))) load(div);
      }, 250);
    });
  }

  function sizePage(div, size) {
    div.style.width = `${size[0] * PX_PER_PT * zoom}px`;
    div.style.height = `${size[1] * PX_PER_PT * zoom}px`;
  }

  function newPage(n) {
    const div = document.createElement("div");
    div.className = "page";
    div.id = `page-${n}`;
    div.dataset.page = String(n);
    const img = document.createElement("img");
    img.alt = `page ${n}`;
    const number = document.createElement("span");
    number.className = "number";
    number.textContent = String(n);
    const text = document.createElement("div");
    text.className = "text";
    div.append(number, img, text);
    observer.observe(div);
    return div;
  }

  function renderPages(changed) {
    const ed = edition();
    if (!ed) return;
    const divs = pagesEl.children;
    while (divs.length > ed.versions.length) {
      observer.unobserve(divs[divs.length - 1]);
      divs[divs.length - 1].remove();
    }
    while (divs.length < ed.versions.length) pagesEl.append(newPage(divs.length + 1));
    const marked = new Set(changed || []);
    ed.versions.forEach((v, i) => {
      const div = divs[i];
      sizePage(div, ed.sizes[i]);
      if (div.dataset.v !== String(v)) {
        const first = div.dataset.v === undefined;
        div.dataset.v = String(v);
        delete div.dataset.tries;
        if (!first) div.classList.add("stale");  // never shown as if it were current
        if (visible.has(i + 1) || first) load(div);
      }
      if (marked.has(i)) {
        div.classList.add("changed");
        setTimeout(() => div.classList.remove("changed"), 1500);
      }
    });
    for (const n of visible) if (divs[n - 1]) load(divs[n - 1]);
  }

  function renderOutline() {
    const ed = edition();
    outlineEl.replaceChildren();
    if (!ed) return;
    for (const item of ed.outline) {
      const li = document.createElement("li");
      li.className = `level-${Math.min(item.level, 2)}`;
      const a = document.createElement("a");
      a.href = `#${encodeURIComponent(lang)}`;
      const title = document.createElement("span");
      title.textContent = item.title;
      const n = document.createElement("span");
      n.className = "n";
      n.textContent = item.page ? String(item.page) : "";
      a.append(title, n);
      a.addEventListener("click", (event) => {
        event.preventDefault();
        const div = $(`page-${item.page}`);
        if (div) pagesEl.scrollTop = div.offsetTop - pagesEl.offsetTop - 8;
      });
      li.append(a);
      outlineEl.append(li);
    }
  }

  function renderEditions() {
    const nav = $("editions");
    nav.replaceChildren();
    for (const ed of state.editions) {
      const a = document.createElement("a");
      a.href = `#${encodeURIComponent(ed.lang)}`;
      a.textContent = ed.lang;
      a.dataset.lang = ed.lang;
      if (ed.lang === lang) a.className = "current";
      nav.append(a);
    }
  }

  function renderProblems() {
    const box = $("problems");
    const list = $("problem-list");
    const problems = state.problems || [];
    list.replaceChildren();
    if (!problems.length && !state.failure) { box.hidden = true; return; }
    const errors = problems.filter((p) => p.severity === "error").length + (state.failure ? 1 : 0);
    box.hidden = false;
    box.classList.toggle("warnings", errors === 0);
    box.classList.toggle("folded", folded && errors === 0);
    const kept = state.editions.length ? " — the pages are the last good build's" : "";
    $("problems-title").textContent = errors
      ? `${errors} error(s), ${problems.length - errors + (state.failure ? 1 : 0)} warning(s)${kept}`
      : `${problems.length} warning(s)`;
    $("problems-toggle").hidden = errors > 0;
    for (const p of problems) {
      const li = document.createElement("li");
      li.className = p.severity;
      const code = document.createElement("code");
      code.textContent = p.text;
      li.append(code);
      if (p.source) {
        const pre = document.createElement("pre");
        pre.textContent = p.source;
        li.append(pre);
      }
      list.append(li);
    }
    if (state.failure) {
      const li = document.createElement("li");
      li.className = "error";
      const code = document.createElement("code");
      code.textContent = `rendering failed: ${state.failure}`;
      li.append(code);
      list.append(li);
    }
  }

  function renderStatus() {
    const status = $("status");
    const errors = (state.problems || []).some((p) => p.severity === "error") || state.failure;
    // "building": the edited pages are shown, the whole PDF is still being joined.
    const building = !errors && state.status === "building";
    status.className = errors ? "error" : (building ? "building" : "");
    status.textContent = errors ? "input has errors"
      : (building ? "updating…" : `updated in ${state.seconds.toFixed(2)} s`);
    $("title").textContent = state.title || "reportgen preview";
    document.title = `${state.title || "reportgen"} — preview`;
  }

  function apply(message) {
    const previousLang = lang;
    state = message;
    if (!lang || !state.editions.some((e) => e.lang === lang)) {
      lang = state.editions.length ? state.editions[0].lang : null;
    }
    if (lang !== previousLang) switchTo(lang, true);
    renderEditions();
    renderPages((message.changed || {})[lang]);
    renderOutline();
    renderProblems();
    renderStatus();
    document.body.dataset.generation = String(state.generation);
  }

  function switchTo(next, quiet) {
    if (lang && !quiet) scrolls[lang] = pagesEl.scrollTop;
    for (const div of [...pagesEl.children]) observer.unobserve(div);
    pagesEl.replaceChildren();
    visible.clear();
    lang = next;
    if (!quiet) {
      renderEditions();
      renderPages([]);
      renderOutline();
    }
    pagesEl.scrollTop = scrolls[lang] || 0;
  }

  window.addEventListener("hashchange", () => {
    const next = decodeURIComponent(location.hash.slice(1));
    if (state && next !== lang && state.editions.some((e) => e.lang === next)) switchTo(next, false);
  });

  function setZoom(value) {
    // The page under the middle of the view stays there.
    const middle = (pagesEl.scrollTop + pagesEl.clientHeight / 2) / (pagesEl.scrollHeight || 1);
    zoom = Math.min(3, Math.max(0.3, value));
    localStorage.setItem("reportgen-zoom", String(zoom));
    $("zoom-level").textContent = `${Math.round(zoom * 100)} %`;
    if (state) renderPages([]);
    pagesEl.scrollTop = middle * pagesEl.scrollHeight - pagesEl.clientHeight / 2;
  }
  $("zoom-in").addEventListener("click", () => setZoom(zoom * 1.2));
  $("zoom-out").addEventListener("click", () => setZoom(zoom / 1.2));
  $("zoom-level").textContent = `${Math.round(zoom * 100)} %`;
  $("problems-toggle").addEventListener("click", () => {
    folded = !folded;
    $("problems-toggle").textContent = folded ? "show" : "hide";
    renderProblems();
  });

  $("docx").addEventListener("click", async () => {
    const status = $("status");
    status.className = "building";
    status.textContent = "writing the DOCX…";
    try {
      const response = await fetch(`/docx/${encodeURIComponent(lang)}`,
        { method: "POST", headers: { "X-Reportgen-Preview": "1" } });
      const body = await response.json();
      status.className = response.ok ? "" : "error";
      status.textContent = response.ok ? `wrote ${body.wrote}` : body.error;
    } catch (error) {
      status.className = "error";
      status.textContent = `the DOCX was not written: ${error}`;
    }
  });

  let retry = 250;
  function connect() {
    socket = new WebSocket(`ws://${location.host}/updates`);
    socket.onopen = () => { retry = 250; tellVisible(); };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "building") {
        $("status").className = "building";
        $("status").textContent = "updating…";
      } else if (message.type === "state") {
        apply(message);
      }
    };
    socket.onclose = () => {
      $("status").className = "error";
      $("status").textContent = "the preview server stopped";
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  }
  connect();
})();
