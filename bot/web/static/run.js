// A run's curves with uPlot: loss and validation loss, and the accuracies, one point per epoch.
// While the job runs, server-sent events bring each new epoch and the chart redraws.
(() => {
  const facts = document.getElementById("run-facts");
  const id = facts.dataset.run;
  // The charts' place stays hidden without script: shown only where they will be drawn.
  for (const chartId of ["chart", "chart-acc"]) document.getElementById(chartId).hidden = false;
  const width = () => Math.max(240, document.getElementById("chart").clientWidth);
  const lossSeries = [
    { label: "epoch" },
    { label: "loss", stroke: "#7a3b12", width: 2 },
    { label: "val loss", stroke: "#1f5fa8", width: 2, dash: [6, 4] },
  ];
  const accSeries = [
    { label: "epoch" },
    { label: "acc", stroke: "#2f7a2f", width: 2 },
    { label: "val acc", stroke: "#8a2be2", width: 2, dash: [6, 4] },
  ];
  const opts = (title, series) => ({
    title,
    width: width(),
    height: 240,
    series,
    scales: { x: { time: false } },
    axes: [{ label: "epoch", incrs: [1, 2, 5, 10, 20, 50, 100] }, {}],
    points: { show: true, size: 6 },
  });
  let lossChart;
  let accChart;
  const text = (elId, value) => {
    document.getElementById(elId).textContent = value;
  };
  const fmt = (x) => (typeof x === "number" ? x.toFixed(3) : "–");

  function draw(run) {
    const e = run.epochs;
    const x = e.map((m) => m.epoch);
    const loss = [x, e.map((m) => m.loss), e.map((m) => m.valLoss)];
    const acc = [x, e.map((m) => m.acc), e.map((m) => m.valAcc)];
    if (!lossChart) {
      lossChart = new uPlot(opts("loss / validation loss", lossSeries), loss, document.getElementById("chart"));
      accChart = new uPlot(opts("accuracy", accSeries), acc, document.getElementById("chart-acc"));
    } else {
      lossChart.setData(loss);
      accChart.setData(acc);
    }
    // What the chart holds, for readers and tests: one point per epoch.
    document.getElementById("chart").dataset.points = String(lossChart.data[0].length);
    const badge = document.createElement("span");
    badge.className = `badge ${run.state}`;
    badge.textContent = run.state;
    document.getElementById("run-state").replaceChildren(badge);
    text("run-backend", run.backend || "–");
    text("run-epochs", run.epochsPlanned ? `${run.epochsDone} of ${run.epochsPlanned}` : String(run.epochsDone));
    const version = document.getElementById("run-version");
    if (run.version) {
      const link = document.createElement("a");
      link.href = `/models#v${run.version}`;
      link.textContent = run.version;
      version.replaceChildren(link);
    }
    const rows = e.map((m) => {
      const tr = document.createElement("tr");
      for (const v of [m.epoch, fmt(m.loss), fmt(m.valLoss), fmt(m.acc), fmt(m.valAcc)]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    });
    document.getElementById("epoch-rows").replaceChildren(...rows);
  }

  const events = new EventSource(`/api/runs/${id}/events`);
  events.addEventListener("run", (event) => draw(JSON.parse(event.data)));
  events.addEventListener("end", () => events.close());
  window.addEventListener("resize", () => {
    lossChart?.setSize({ width: width(), height: 240 });
    accChart?.setSize({ width: width(), height: 240 });
  });
})();
