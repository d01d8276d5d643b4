// The hitscope web page: a form of audio features (sliders over the valid ranges the API
// reports in GET /models), the predicted class with its probabilities, a contribution chart
// (ECharts, served from /assets), and CSV upload for batch scoring. No other files, no network
// beyond this server: the page works offline.
'use strict';

(function () {
  const state = {
    models: [],      // GET /models
    model: null,     // the chosen model's entry
    token: sessionStorage.getItem('hitscope-token') || '',
    chart: null,
    pending: null,   // debounce timer of "predict as I move"
    sequence: 0,     // answers older than the newest request are dropped
    csvUrl: null,
  };
  const $ = (id) => document.getElementById(id);

  function setState(name) {
    document.body.dataset.state = name;
  }

  function headers(extra) {
    const all = Object.assign({}, extra || {});
    if (state.token) all.Authorization = 'Bearer ' + state.token;
    return all;
  }

  // fetch, then the body as JSON (or text); throws {status, body} for a non-2xx answer.
  async function call(path, options, asText) {
    const response = await fetch(path, options);
    const text = await response.text();
    let body = text;
    if (!asText || !response.ok) {
      try {
        body = JSON.parse(text);
      } catch (e) {
        body = {error: {message: text || ('HTTP ' + response.status)}};
      }
    }
    if (!response.ok) throw {status: response.status, body: body};
    return body;
  }

  function showError(problem) {
    document.querySelectorAll('.field.invalid').forEach((f) => f.classList.remove('invalid'));
    const box = $('error');
    if (!problem) {
      box.hidden = true;
      box.textContent = '';
      return;
    }
    box.hidden = false;
    box.textContent = '';
    const body = problem.body || {};
    const errors = body.errors || (body.error ? [body.error] : [{message: String(problem)}]);
    const head = document.createElement('strong');
    head.textContent = problem.status ? 'HTTP ' + problem.status + ': ' : 'Error: ';
    box.appendChild(head);
    const list = document.createElement('ul');
    errors.forEach((e) => {
      const item = document.createElement('li');
      item.textContent = (e.field ? e.field + ': ' : '') + e.message;
      list.appendChild(item);
      const name = (e.field || '').replace(/^track\./, '');
      const field = document.querySelector('.field[data-feature="' + CSS.escape(name) + '"]');
      if (field) field.classList.add('invalid');
    });
    box.appendChild(list);
    if (problem.status === 401) $('token-box').hidden = false;
  }

  // Slider bounds: the documented range, but a usable window for very wide ones (duration_ms
  // runs to 6 hours; the number box still takes the whole range).
  function sliderRange(feature) {
    const typical = Number(feature.typical) || 0;
    if (feature.min === undefined) {
      const span = Math.max(1, Math.abs(typical) * 2);
      return {min: Math.min(0, typical - span), max: typical + span, step: span / 1000};
    }
    let max = feature.max;
    if (feature.max - feature.min > 1e5) max = Math.min(feature.max, Math.max(typical * 3, 600000));
    let step = feature.integer ? 1 : (max - feature.min) / 1000;
    if (!feature.integer && max - feature.min <= 1) step = 0.001;
    if (!feature.integer && max - feature.min > 1000) step = 1000;
    if (!feature.integer && max - feature.min > 1 && max - feature.min <= 1000) step = 0.1;
    return {min: feature.min, max: max, step: step};
  }

  function decimals(step) {
    if (step >= 1) return 0;
    return Math.min(6, Math.ceil(-Math.log10(step)));
  }

  function buildForm() {
    const form = $('features');
    form.textContent = '';
    state.model.features.forEach((feature) => {
      const range = sliderRange(feature);
      const field = document.createElement('div');
      field.className = 'field';
      field.dataset.feature = feature.name;
      const label = document.createElement('label');
      label.htmlFor = 'f-' + feature.name;
      label.textContent = feature.name;
      const meaning = document.createElement('span');
      meaning.className = 'meaning';
      meaning.textContent = feature.meaning ||
          'no documented range: any finite number';
      if (feature.min !== undefined) {
        meaning.textContent += ' [' + feature.min + ' .. ' + feature.max + ']';
      }
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.id = 'f-' + feature.name;
      slider.name = feature.name;
      slider.min = range.min;
      slider.max = range.max;
      slider.step = range.step;
      const number = document.createElement('input');
      number.type = 'number';
      number.className = 'value';
      number.setAttribute('aria-label', feature.name + ' value');
      if (feature.min !== undefined) {
        number.min = feature.min;
        number.max = feature.max;
      }
      number.step = feature.integer ? 1 : 'any';
      const places = decimals(range.step);
      const set = (value) => {
        slider.value = value;
        number.value = Number(value).toFixed(feature.integer ? 0 : places);
      };
      set(feature.typical);
      slider.addEventListener('input', () => {
        number.value = Number(slider.value).toFixed(feature.integer ? 0 : places);
        schedulePredict();
      });
      number.addEventListener('input', () => {
        if (number.value !== '') slider.value = number.value;
        schedulePredict();
      });
      field.reset = () => set(feature.typical);
      field.read = () => Number(number.value === '' ? NaN : number.value);
      field.write = (value) => set(value);
      field.append(label, slider, number, meaning);
      form.appendChild(field);
    });
  }

  function readTrack() {
    const track = {};
    document.querySelectorAll('#features .field').forEach((field) => {
      const value = field.read();
      // A non-number is sent as text so the server names the field.
      track[field.dataset.feature] = Number.isFinite(value) ? value : String(value);
    });
    return track;
  }

  function schedulePredict() {
    if (!$('auto').checked) return;
    clearTimeout(state.pending);
    state.pending = setTimeout(predict, 150);
  }

  // Two requests: the class and probabilities first (fast), then the contributions, which for a
  // deep forest's exact TreeSHAP can take much longer; the chart says so while it waits.
  async function predict() {
    if (!state.model) return;
    const sequence = ++state.sequence;
    const path = '/models/' + encodeURIComponent(state.model.name) + '/predict';
    const track = readTrack();
    const ask = (contributions) => call(path, {
      method: 'POST',
      headers: headers({'Content-Type': 'application/json'}),
      body: JSON.stringify({track: track, contributions: contributions}),
    });
    setState('predicting');
    try {
      const answer = await ask(0);
      if (sequence !== state.sequence) return;
      showError(null);
      showPrediction(answer);
      $('contribution-method').textContent = '(computing...)';
      const explained = await ask(state.model.features.length);
      if (sequence !== state.sequence) return;
      drawContributions(explained.prediction.contributions);
      setState('predicted');
    } catch (problem) {
      if (sequence !== state.sequence) return;
      showError(problem);
      setState('error');
    }
  }

  function showPrediction(answer) {
    const prediction = answer.prediction;
    $('result-version').textContent = answer.model + ' version ' + answer.version;
    const bars = $('probabilities');
    bars.textContent = '';
    if (answer.target === 'class') {
      $('result-class').textContent = prediction.class;
      Object.entries(prediction.probabilities).forEach(([name, p]) => {
        const row = document.createElement('div');
        row.className = 'bar' + (name === prediction.class ? ' chosen' : '');
        row.dataset.className = name;
        const label = document.createElement('span');
        label.className = 'bar-label';
        label.textContent = name;
        const track = document.createElement('span');
        track.className = 'bar-track';
        const fill = document.createElement('span');
        fill.className = 'bar-fill';
        fill.style.width = (100 * p).toFixed(1) + '%';
        track.appendChild(fill);
        const value = document.createElement('span');
        value.className = 'bar-value';
        value.textContent = (100 * p).toFixed(1) + ' %';
        row.append(label, track, value);
        bars.appendChild(row);
      });
    } else {
      $('result-class').textContent = 'popularity ' + Number(prediction.popularity).toFixed(1);
    }
  }

  function drawContributions(contributions) {
    const box = $('chart');
    const method = {tree_shap: 'TreeSHAP', xgboost_shap: 'XGBoost SHAP (log-odds)',
                    occlusion: 'occlusion estimate (not SHAP)'};
    if (!contributions) {
      $('contribution-method').textContent = '';
      return;
    }
    $('contribution-method').textContent =
        '(' + (method[contributions.method] || contributions.method) + ' of ' +
        contributions.explains +
        (contributions.expected_value !== null ?
             '; average ' + Number(contributions.expected_value).toFixed(3) : '') + ')';
    if (typeof echarts === 'undefined') {
      box.textContent = 'the chart library did not load';
      return;
    }
    // Smallest first: ECharts draws the first category at the bottom.
    const top = contributions.top.slice().reverse();
    if (!state.chart) {
      state.chart = echarts.init(box, null, {renderer: 'canvas'});
      state.chart.on('finished', () => {
        box.dataset.rendered = '1';
      });
      window.addEventListener('resize', () => state.chart.resize());
    }
    state.chart.setOption({
      animation: false,
      grid: {left: 150, right: 40, top: 10, bottom: 30},
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}},
      xAxis: {type: 'value', name: 'contribution', nameLocation: 'middle', nameGap: 22},
      yAxis: {
        type: 'category',
        data: top.map((c) => c.feature + ' = ' + formatValue(c.value)),
        axisLabel: {fontSize: 11},
      },
      series: [{
        type: 'bar',
        data: top.map((c) => ({
          value: c.contribution,
          itemStyle: {color: c.contribution >= 0 ? '#2f855a' : '#c53030'},
        })),
      }],
    }, true);
  }

  function formatValue(value) {
    const v = Number(value);
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3);
  }

  async function scoreCsv() {
    const file = $('csv-file').files[0];
    if (!file) {
      showError({body: {error: {field: 'file', message: 'choose a CSV file first'}}});
      return;
    }
    setState('scoring');
    try {
      const text = await call(
          '/models/' + encodeURIComponent(state.model.name) + '/predict.csv', {
            method: 'POST',
            headers: headers({'Content-Type': 'text/csv', Accept: 'text/csv'}),
            body: await file.text(),
          },
          true);
      showError(null);
      showCsv(text, file.name);
      setState('scored');
    } catch (problem) {
      showError(problem);
      setState('error');
    }
  }

  // A small CSV parser for the server's own output (quoted fields, doubled quotes).
  function parseCsv(text) {
    const rows = [];
    let row = [], field = '', quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') {
          quoted = false;
        } else {
          field += c;
        }
      } else if (c === '"') {
        quoted = true;
      } else if (c === ',') {
        row.push(field);
        field = '';
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        row.push(field);
        rows.push(row);
        row = [];
        field = '';
      } else {
        field += c;
      }
    }
    if (field !== '' || row.length) {
      row.push(field);
      rows.push(row);
    }
    return rows;
  }

  function showCsv(text, name) {
    const rows = parseCsv(text);
    const shown = 200;
    const table = document.createElement('table');
    rows.slice(0, shown + 1).forEach((cells, index) => {
      const tr = document.createElement('tr');
      cells.forEach((cell) => {
        const td = document.createElement(index === 0 ? 'th' : 'td');
        const number = Number(cell);
        td.textContent = cell !== '' && Number.isFinite(number) && !Number.isInteger(number) ?
            number.toFixed(3) : cell;
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    $('csv-result').textContent = '';
    $('csv-result').appendChild(table);
    const count = Math.max(0, rows.length - 1);
    $('csv-summary').textContent = 'Scored ' + count + ' tracks from ' + name +
        (count > shown ? '; the first ' + shown + ' are shown' : '') + '.';
    if (state.csvUrl) URL.revokeObjectURL(state.csvUrl);
    state.csvUrl = URL.createObjectURL(new Blob([text], {type: 'text/csv'}));
    const link = $('csv-download');
    link.href = state.csvUrl;
    link.download = name.replace(/\.csv$/i, '') + '.predictions.csv';
    link.hidden = false;
  }

  function chooseModel(name) {
    state.model = state.models.find((m) => m.name === name) || state.models[0];
    document.querySelectorAll('.model-name').forEach((e) => {
      e.textContent = state.model.name;
    });
    $('model-description').textContent = state.model.pipeline +
        (state.model.classes_description ? '; classes ' + state.model.classes_description : '');
    buildForm();
    predict();
  }

  async function loadModels() {
    try {
      const answer = await call('/models', {headers: headers()});
      state.models = answer.models;
    } catch (problem) {
      showError(problem);
      setState(problem.status === 401 ? 'needs-token' : 'error');
      return;
    }
    const select = $('model');
    select.textContent = '';
    state.models.forEach((m) => {
      const option = document.createElement('option');
      option.value = m.name;
      option.textContent = m.name + ' (v' + m.version + ')';
      select.appendChild(option);
    });
    if (!state.models.length) {
      showError({body: {error: {message: 'the server has no models'}}});
      return;
    }
    chooseModel(state.models[0].name);
  }

  async function start() {
    try {
      const health = await call('/health', {});
      if (health.auth) $('token-box').hidden = false;
    } catch (problem) {
      showError(problem);
    }
    $('token').value = state.token;
    $('token').addEventListener('change', () => {
      state.token = $('token').value.trim();
      sessionStorage.setItem('hitscope-token', state.token);
      loadModels();
    });
    $('model').addEventListener('change', () => chooseModel($('model').value));
    $('predict').addEventListener('click', predict);
    $('reset').addEventListener('click', () => {
      document.querySelectorAll('#features .field').forEach((f) => f.reset());
      predict();
    });
    $('csv-score').addEventListener('click', scoreCsv);
    await loadModels();
  }

  window.addEventListener('error', (event) => {
    (window.hsErrors = window.hsErrors || []).push(String(event.message));
  });
  document.addEventListener('DOMContentLoaded', start);
})();
