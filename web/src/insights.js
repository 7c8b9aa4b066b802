// Insights: the mood line, how often each feeling was tagged, a calendar of one feeling, and
// which feelings come together, over a week, month, quarter, year or everything. Charts are
// drawn by Apache ECharts (SVG renderer, bundled; nothing is fetched at run time).
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  AriaComponent, CalendarComponent, GridComponent, MarkLineComponent, TooltipComponent, VisualMapComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { get, query } from './api.js';
import { errorBox, h } from './ui.js';

echarts.use([BarChart, HeatmapChart, LineChart, AriaComponent, CalendarComponent, GridComponent,
  MarkLineComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

const kRanges = [
  ['week', 'Week', 7, 'day'],
  ['month', 'Month', 31, 'day'],
  ['quarter', 'Quarter', 92, 'week'],
  ['year', 'Year', 365, 'month'],
  ['all', 'All', null, 'month'],
];
const kColors = { positive: '#2f7d5b', negative: '#b4533a', neutral: '#6b6f8a' };
const kText = '#2b2a27';
const kMuted = '#5f5b53';

/** "YYYY-MM-DD" of a Date in local time. */
function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function daysAgo(n) {
  const date = new Date();
  date.setDate(date.getDate() - n);
  return date;
}

export function renderInsights(main, params) {
  let range = params.get('range') || 'month';
  let feeling = params.get('feeling') || '';
  const charts = [];
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const summary = h('p', { class: 'insights-summary' });
  const rangeButtons = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Range' },
    kRanges.map(([key, label]) => h('button', {
      type: 'button', 'data-range': key, 'aria-pressed': String(key === range),
      onclick: () => { range = key; load(); },
    }, label)));
  const feelingSelect = h('select', { id: 'calendar-feeling' });
  feelingSelect.addEventListener('change', () => { feeling = feelingSelect.value; load(); });

  const panel = (id, title, extra) => {
    const chart = h('div', { class: 'chart', id, role: 'img', 'aria-label': title });
    return { chart, box: h('section', { class: 'chart-panel' }, h('div', { class: 'chart-heading' }, h('h2', {}, title), extra), chart) };
  };
  const mood = panel('chart-mood', 'Mood over time');
  const freq = panel('chart-frequency', 'How often each feeling was tagged');
  const calendar = panel('chart-calendar', 'Calendar of a feeling',
    h('div', { class: 'inline-field' }, h('label', { for: 'calendar-feeling' }, 'Feeling'), feelingSelect));
  const cooc = panel('chart-cooccurrence', 'Feelings that come together');

  main.replaceChildren(
    h('section', { class: 'view view-insights' },
      h('div', { class: 'view-heading' }, h('h1', {}, 'Insights'), rangeButtons),
      summary,
      status,
      h('div', { class: 'chart-grid' }, mood.box, freq.box, calendar.box, cooc.box)),
  );

  const chartFor = (el) => {
    let chart = echarts.getInstanceByDom(el);
    if (!chart) {
      chart = echarts.init(el, null, { renderer: 'svg' });
      charts.push(chart);
    }
    return chart;
  };

  const load = async () => {
    for (const button of rangeButtons.querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.range === range));
    }
    const [, , days, period] = kRanges.find(([key]) => key === range);
    const from = days ? isoDay(daysAgo(days - 1)) : '';
    history.replaceState(null, '', `#/insights${query({ range, feeling })}`);
    status.replaceChildren();
    try {
      const stats = await get(`/api/analytics${query({ period, from })}`);
      const calendarFrom = isoDay(daysAgo(Math.min(days || 365, 365) - 1));
      const daily = await get(`/api/analytics${query({ period: 'day', from: calendarFrom })}`);
      draw(stats, daily, calendarFrom);
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };

  const draw = (stats, daily, calendarFrom) => {
    const valence = new Map(stats.labels.map((l) => [l.label, l.valence]));
    const totals = stats.totals;
    summary.textContent = totals.entries
      ? `${totals.entries} ${totals.entries === 1 ? 'entry' : 'entries'} in this range, ${stats.streaks.days_written} days written, longest streak ${stats.streaks.longest} days. Label set: ${stats.label_set}.`
      : 'No entries in this range yet. Write one and come back.';

    // Choose the calendar's feeling: the one asked for, else the most frequent.
    const ranked = Object.entries(totals.counts).sort((a, b) => b[1] - a[1]);
    if (!valence.has(feeling)) feeling = ranked.length && ranked[0][1] > 0 ? ranked[0][0] : stats.labels[0]?.label || '';
    feelingSelect.replaceChildren(...stats.labels.map((l) => h('option', { value: l.label, selected: l.label === feeling }, l.label)));

    // Mood: mean valence per period, from -1 (all negative) to +1 (all positive).
    chartFor(mood.chart).setOption({
      aria: { enabled: true },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v == null ? 'no tags' : v.toFixed(2)) },
      xAxis: { type: 'category', data: stats.periods.map((p) => p.period), axisLabel: { color: kMuted } },
      yAxis: { type: 'value', min: -1, max: 1, axisLabel: { color: kMuted } },
      series: [{
        type: 'line', name: 'mood', connectNulls: true, symbolSize: 7,
        data: stats.periods.map((p) => (p.valence == null ? null : Number(p.valence.toFixed(3)))),
        lineStyle: { width: 3, color: '#2f6b66' }, itemStyle: { color: '#2f6b66' },
        markLine: { silent: true, symbol: 'none', data: [{ yAxis: 0 }], lineStyle: { color: '#b9b2a6' }, label: { show: false } },
      }],
    }, true);

    // Frequencies: entries tagged with each feeling.
    const shown = ranked.filter(([, n]) => n > 0).slice(0, 15).reverse();
    chartFor(freq.chart).setOption({
      aria: { enabled: true },
      grid: { left: 110, right: 24, top: 8, bottom: 24 },
      tooltip: {},
      xAxis: { type: 'value', minInterval: 1, axisLabel: { color: kMuted } },
      yAxis: { type: 'category', data: shown.map(([l]) => l), axisLabel: { color: kText } },
      series: [{
        type: 'bar', name: 'entries', barMaxWidth: 18,
        data: shown.map(([l, n]) => ({ value: n, itemStyle: { color: kColors[valence.get(l)] || kColors.neutral, borderRadius: [0, 4, 4, 0] } })),
      }],
    }, true);

    // Calendar: the chosen feeling's mean score per day.
    const today = isoDay(new Date());
    chartFor(calendar.chart).setOption({
      aria: { enabled: true },
      tooltip: { formatter: (p) => `${p.value[0]}: ${feeling} ${(p.value[1] * 100).toFixed(0)}%` },
      visualMap: { min: 0, max: 1, show: false, inRange: { color: ['#eef3ef', '#2f6b66'] } },
      calendar: {
        range: [calendarFrom, today], cellSize: ['auto', 16], left: 40, right: 16, top: 24,
        itemStyle: { borderColor: '#fbfaf7', borderWidth: 2, color: '#f1eee8' },
        splitLine: { show: false }, dayLabel: { color: kMuted, firstDay: 1 }, monthLabel: { color: kMuted }, yearLabel: { show: false },
      },
      series: [{
        type: 'heatmap', coordinateSystem: 'calendar', name: feeling,
        data: daily.periods.filter((p) => p.scored > 0).map((p) => [p.period, Number((p.means[feeling] || 0).toFixed(3))]),
      }],
    }, true);

    // Co-occurrence: how many entries carry both feelings.
    const pairs = stats.cooccurrence.slice(0, 40);
    const labels = [...new Set(pairs.flatMap((p) => p.labels))].slice(0, 12);
    const cells = [];
    for (const p of pairs) {
      const [a, b] = p.labels.map((l) => labels.indexOf(l));
      if (a < 0 || b < 0) continue;
      cells.push([a, b, p.count], [b, a, p.count]);
    }
    const max = Math.max(1, ...cells.map((c) => c[2]));
    chartFor(cooc.chart).setOption({
      aria: { enabled: true },
      grid: { left: 100, right: 16, top: 8, bottom: 90 },
      tooltip: { formatter: (p) => `${labels[p.value[0]]} + ${labels[p.value[1]]}: ${p.value[2]} entries` },
      xAxis: { type: 'category', data: labels, axisLabel: { rotate: 45, color: kText } },
      yAxis: { type: 'category', data: labels, axisLabel: { color: kText } },
      visualMap: { min: 0, max, show: false, inRange: { color: ['#f4ece3', '#c58fb4'] } },
      series: [{ type: 'heatmap', name: 'together', data: cells, label: { show: true, color: kText } }],
    }, true);
    cooc.box.querySelector('.chart').dataset.empty = String(!cells.length);
    if (!cells.length) status.append(h('p', { class: 'hint' }, 'No two feelings have been tagged together in this range yet.'));
  };

  const onResize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
  load();
  return () => {
    window.removeEventListener('resize', onResize);
    charts.forEach((c) => c.dispose());
  };
}
