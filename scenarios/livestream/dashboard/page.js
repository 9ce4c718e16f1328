// The dashboard page: charts updated in place from the server's events (no framework, Chart.js served locally).
const minutes = new Map(); // "room@start" -> latest result (partial or final)
const label = (start) => new Date(start).toISOString().slice(11, 16);
const color = { positive: '#5ccf8a', neutral: '#8b93a7', negative: '#ff7a7a' };
const grid = { color: '#263049' };
const axis = { ticks: { color: '#8b93a7' }, grid };

const sentimentChart = new Chart(document.getElementById('sentiment'), {
  type: 'bar',
  data: {
    labels: [],
    datasets: ['positive', 'neutral', 'negative'].map((k) => ({
      label: k,
      data: [],
      backgroundColor: color[k],
    })),
  },
  options: { animation: false, scales: { x: { stacked: true, ...axis }, y: { stacked: true, ...axis } } },
});
const topicChart = new Chart(document.getElementById('topics'), {
  type: 'doughnut',
  data: {
    labels: [],
    datasets: [{ data: [], backgroundColor: ['#6ea8fe', '#ffd27a', '#5ccf8a', '#c29ffa'] }],
  },
  options: { animation: false, plugins: { legend: { labels: { color: '#e6e9ef' } } } },
});
const vipChart = new Chart(document.getElementById('vip'), {
  type: 'line',
  data: {
    labels: [],
    datasets: [
      { label: 'VIP', data: [], borderColor: '#ffd27a' },
      { label: 'followers', data: [], borderColor: '#6ea8fe' },
    ],
  },
  options: { animation: false, scales: { x: axis, y: { min: 0, max: 1, ...axis } } },
});

function redraw() {
  const rows = [...minutes.values()].sort((a, b) => a.start - b.start).slice(-15);
  const labels = rows.map((r) => `${label(r.start)}${r.kind === 'partial' ? '…' : ''}`);
  sentimentChart.data.labels = labels;
  for (const [i, k] of ['positive', 'neutral', 'negative'].entries())
    sentimentChart.data.datasets[i].data = rows.map((r) => r.result.sentiment[k]);
  sentimentChart.update();
  vipChart.data.labels = labels;
  vipChart.data.datasets[0].data = rows.map((r) => r.result.vipShare);
  vipChart.data.datasets[1].data = rows.map((r) => r.result.followerShare);
  vipChart.update();
  const last = rows.at(-1);
  if (!last) return;
  topicChart.data.labels = last.result.topTopics.map((t) => t.topic);
  topicChart.data.datasets[0].data = last.result.topTopics.map((t) => t.count);
  topicChart.update();
  document.getElementById('kpi-comments').textContent = String(last.result.comments);
  document.getElementById('kpi-sentiment').textContent = last.result.averageSentiment.toFixed(2);
  document.getElementById('kpi-vip').textContent = `${Math.round(last.result.vipShare * 100)}%`;
  document.getElementById('kpi-questions').textContent = String(last.result.questionCount);
  const questions = document.getElementById('questions');
  questions.replaceChildren(
    ...last.result.questions.map((q) => Object.assign(document.createElement('li'), { textContent: q })),
  );
}

const events = new EventSource('/events');
events.onopen = () => {
  document.getElementById('status').textContent = 'live';
};
events.onerror = () => {
  document.getElementById('status').textContent = 'reconnecting…';
};
events.addEventListener('window', (e) => {
  const w = JSON.parse(e.data);
  const id = `${w.key}@${w.start}`;
  // A final result is never replaced by a partial one that arrives after it.
  if (minutes.get(id)?.kind !== 'final' || w.kind !== 'partial') minutes.set(id, w);
  const counter = document.getElementById('updates');
  const n = Number(counter.dataset.updates) + 1;
  counter.dataset.updates = String(n);
  counter.textContent = String(n);
  redraw();
});
events.addEventListener('feedback', (e) => {
  const f = JSON.parse(e.data);
  const item = document.createElement('li');
  item.className = f.priority;
  item.textContent = `${label(f.start)} [${f.priority}] ${f.advice}`;
  document.getElementById('feedback').prepend(item);
});
