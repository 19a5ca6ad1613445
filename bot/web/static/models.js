// Admin buttons on /models (shown once the admin token was given: it travels in its cookie); the
// answer (or refusal) is shown, and the page reloads after a change so the list is current.
(() => {
  const status = document.getElementById("admin-status");
  const reason = document.getElementById("admin-reason");
  const epochs = document.getElementById("admin-epochs");

  async function act(url, body, done) {
    status.className = "";
    status.textContent = "…";
    const headers = { "content-type": "application/json" };
    if (reason.value.trim()) body.reason = reason.value.trim();
    try {
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
      const data = await response.json();
      if (!response.ok) {
        status.className = "error";
        status.textContent = `Refused: ${data.error}`;
        return;
      }
      status.textContent = done(data);
      setTimeout(() => location.reload(), 1200);
    } catch (e) {
      status.className = "error";
      status.textContent = e.message;
    }
  }

  document.getElementById("retrain").addEventListener("click", () => {
    const body = {};
    if (epochs.value) body.epochs = Number(epochs.value);
    act("/api/retrain", body, (d) => `Queued as run ${d.jobId}.`);
  });
  document
    .getElementById("rollback")
    .addEventListener("click", () => act("/api/rollback", {}, (d) => `Rolled back: version ${d.version} is current.`));
  for (const button of document.querySelectorAll("button.promote")) {
    button.addEventListener("click", () =>
      act(`/api/models/${button.dataset.version}/promote`, {}, (d) => `Version ${d.version} is current.`),
    );
  }
})();
