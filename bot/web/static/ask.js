// The ask box: slider value shown as it moves, word suggestions from the model's vocabulary, and
// POST /api/prophecies; the answer appears as four lines with its permanent link, or an error in its
// place. Without script the form posts to /ask and lands on the new prophecy's page.
(() => {
  const form = document.getElementById("ask");
  const slider = document.getElementById("temperature");
  const shown = document.getElementById("temperature-value");
  const about = document.getElementById("about");
  const words = document.getElementById("words");
  const answer = document.getElementById("answer");
  const el = (tag, attrs, text) => {
    const node = document.createElement(tag);
    Object.assign(node, attrs || {});
    if (text !== undefined) node.textContent = text;
    return node;
  };

  slider.addEventListener("input", () => {
    shown.textContent = Number(slider.value).toFixed(1);
  });

  let lastPrefix = "";
  about.addEventListener("input", async () => {
    const last = about.value.split(/\s+/).pop() || "";
    if (last.length < 2 || last === lastPrefix) return;
    lastPrefix = last;
    const response = await fetch(`/api/words?prefix=${encodeURIComponent(last)}&limit=10`);
    if (!response.ok) return;
    const { words: found } = await response.json();
    const head = about.value.slice(0, about.value.length - last.length);
    words.replaceChildren(...found.map((w) => el("option", { value: head + w })));
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const body = { temperature: Number(slider.value) };
      if (about.value.trim()) body.about = about.value.trim();
      const response = await fetch("/api/prophecies", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || `The oracle did not answer (${response.status}).`);
      const card = el("article", { className: "prophecy" });
      card.dataset.id = data.id;
      const quote = el("blockquote", { className: "quatrain" });
      for (const line of data.lines) quote.append(el("span", { className: "line" }, line));
      const meta = el("footer", { className: "meta" });
      meta.append(
        el("a", { href: `/p/${data.id}` }, `#${data.id}`),
        el("span", {}, `T ${data.temperature}`),
        el("span", {}, `model v${data.modelVersion}`),
      );
      card.append(quote, meta);
      answer.replaceChildren(card);
    } catch (e) {
      // The error takes the place of the answer it is about: no older quatrain stays beside it.
      answer.replaceChildren(el("p", { className: "error", role: "alert" }, e.message));
    } finally {
      button.disabled = false;
    }
  });
})();
